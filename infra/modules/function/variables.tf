variable "name" {
  type        = string
  description = "Function (and Cloud Run service) name; also the service account id (first 30 characters)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,62}[a-z0-9]$", var.name))
    error_message = "name must be 6-64 lowercase letters, digits or hyphens, starting with a letter."
  }
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
  description = "Path of the source zip built by infra/scripts/package_function.py."
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding function sources (objects named by content hash)."
}

variable "trigger" {
  type        = string
  description = "http, or pubsub (an Eventarc trigger on pubsub_topic, retried on failure)."
  validation {
    condition     = contains(["http", "pubsub"], var.trigger)
    error_message = "trigger must be http or pubsub."
  }
}

variable "pubsub_topic" {
  type        = string
  description = "Topic id for a pubsub trigger (null for http)."
  default     = null
}

variable "public" {
  type        = bool
  description = "Allow unauthenticated invocation (only webhooks whose caller has no Google identity)."
  default     = false
}

variable "ingress" {
  type        = string
  description = "Network ingress: ALLOW_INTERNAL_ONLY (Scheduler, Eventarc), ALLOW_INTERNAL_AND_GCLB (behind the IAP load balancer) or ALLOW_ALL (webhooks)."
  default     = "ALLOW_INTERNAL_ONLY"
  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress)
    error_message = "ingress must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "env" {
  type        = map(string)
  description = "Environment variables (never secret values)."
  default     = {}
}

variable "secret_env" {
  type        = map(string)
  description = "Environment variable name => Secret Manager secret id (latest version), resolved at instance start."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Resource labels."
  default     = {}
}

variable "timeout_seconds" {
  type        = number
  description = "Request timeout (event-triggered functions: at most 540)."
  default     = 120
  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "timeout_seconds must be between 1 and 3600."
  }
}

variable "memory" {
  type        = string
  description = "Memory per instance, e.g. 256M, 512M, 1Gi (a 50 MB message needs about 512M to parse)."
  default     = "512M"
  validation {
    condition     = can(regex("^[0-9]+(M|Mi|G|Gi)$", var.memory))
    error_message = "memory must look like 512M or 1Gi."
  }
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm (0 scales to zero)."
  default     = 0
  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances cannot be negative."
  }
}

variable "max_instances" {
  type        = number
  description = "Upper bound of instances."
  default     = 20
  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}
