variable "name" {
  type        = string
  description = "Function (and Cloud Run service) name."
}

variable "entry_point" {
  type        = string
  description = "Python function in main.py."
}

variable "region" {
  type        = string
  description = "Region to deploy to."
}

variable "source_zip" {
  type        = string
  description = "Path of the source zip built by infra/scripts/package_function.sh."
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding function sources (objects named by content hash)."
}

variable "trigger" {
  type        = string
  description = "http or pubsub."
  validation {
    condition     = contains(["http", "pubsub"], var.trigger)
    error_message = "trigger must be http or pubsub."
  }
}

variable "pubsub_topic" {
  type        = string
  description = "Topic id for a pubsub trigger."
  default     = null
}

variable "public" {
  type        = bool
  description = "Allow unauthenticated invocation (webhooks, OAuth redirects)."
  default     = false
}

variable "env" {
  type        = map(string)
  description = "Environment variables (never secret values)."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Resource labels."
  default     = {}
}

variable "timeout_seconds" {
  type        = number
  description = "Request timeout (event functions: at most 540)."
  default     = 120
}

variable "max_instances" {
  type        = number
  description = "Upper bound of instances."
  default     = 20
}

variable "secret_env" {
  type        = map(string)
  description = "Environment variable name => Secret Manager secret id (latest version), read at start."
  default     = {}
}
