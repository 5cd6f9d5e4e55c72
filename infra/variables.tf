variable "project_id" {
  type        = string
  description = "Google Cloud project that runs Mail Ingest."
}

variable "region" {
  type        = string
  description = "Region for functions, Cloud Run, Scheduler and buckets."
  default     = "europe-west1"
}

variable "env" {
  type        = string
  description = "Environment name (dev, prod): prefixes resource names."
  validation {
    condition     = contains(["dev", "staging", "prod"], var.env)
    error_message = "env must be dev, staging or prod."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels put on every resource that takes them."
  default     = {}
}

variable "events_topic" {
  type        = string
  description = "Topic the events are published to."
  default     = "mail-events"
}

variable "raw_retention_days" {
  type        = number
  description = "Days the raw MIME of delivered messages is kept (gzip-compressed): what a replay or a label correction can read."
  default     = 7
  validation {
    condition     = var.raw_retention_days >= 1
    error_message = "Keep raw messages at least one day."
  }
}

variable "dead_letter_retention_days" {
  type        = number
  description = "Days a dead-lettered message's raw MIME is kept for its replay."
  default     = 30
  validation {
    condition     = var.dead_letter_retention_days >= 7
    error_message = "Keep dead letters' raw messages at least a week: replays come after the cause is fixed."
  }
}

variable "parts_retention_days" {
  type        = number
  description = "Days the large attachments and bodies events refer to (attachments/) are kept."
  default     = 30
  validation {
    condition     = var.parts_retention_days >= 1
    error_message = "Keep stored attachments at least one day."
  }
}

variable "watcher_image" {
  type        = string
  description = "Container image of the IMAP IDLE / POP3 watcher (containers/watcher/Dockerfile)."
}

variable "watcher_min_instances" {
  type        = number
  description = "Always-on watcher replicas (at least 1: IDLE needs a live connection)."
  default     = 1
  validation {
    condition     = var.watcher_min_instances >= 1
    error_message = "The watcher needs at least one instance."
  }
}

variable "watcher_max_instances" {
  type        = number
  description = "Upper bound of watcher replicas; leases in Firestore share the mailboxes."
  default     = 4
  validation {
    condition     = var.watcher_max_instances >= 1
    error_message = "watcher_max_instances must be at least 1."
  }
}

variable "function_source_dir" {
  type        = string
  description = "Where infra/scripts/package_function.sh wrote the function zips."
  default     = "../build/functions"
}

variable "settings_url" {
  type        = string
  description = "https URL of the settings page on the IAP load balancer (its host gets the managed certificate; OAuth redirects come back here)."
  validation {
    condition     = can(regex("^https://[a-z0-9.-]+/?$", var.settings_url))
    error_message = "settings_url must be https://<host> with no path."
  }
}

variable "alert_email" {
  type        = string
  description = "Where monitoring alerts go (empty: alerts show in the console only)."
  default     = ""
  validation {
    condition     = var.alert_email == "" || can(regex("^[^@ ]+@[^@ ]+$", var.alert_email))
    error_message = "alert_email must be an email address or empty."
  }
}

variable "google_client_id" {
  type        = string
  description = "OAuth client id of the Google Cloud project's web client (not secret)."
  default     = ""
}

variable "microsoft_client_id" {
  type        = string
  description = "Application (client) id of the Entra app registration (not secret)."
  default     = ""
}

variable "deployed_functions" {
  type        = set(string)
  description = "Functions to deploy (each needs build/functions/<source>.zip); scheduler jobs follow their target."
  default = [
    "gmail_push", "graph_webhook", "graph_worker", "renew_watches", "mailbox_tasks",
    "refresh_tokens", "oauth", "oauth_callback", "settings",
  ]
  validation {
    condition = alltrue([for f in var.deployed_functions : contains([
      "gmail_push", "graph_webhook", "graph_worker", "renew_watches", "mailbox_tasks",
      "refresh_tokens", "oauth", "oauth_callback", "settings",
    ], f)])
    error_message = "deployed_functions may only name functions defined in functions.tf."
  }
}

variable "settings_admins" {
  type        = list(string)
  description = "IAP members allowed to open the settings page (user:, group: or domain:); the page then maps each to its tenant."
  default     = []
  validation {
    condition     = alltrue([for m in var.settings_admins : can(regex("^(user|group|domain):.+", m))])
    error_message = "settings_admins entries must start with user:, group: or domain:."
  }
}

variable "graph_notification_url" {
  type        = string
  description = "Where Graph subscriptions post, overriding graph_webhook's deterministic run.app URL (a custom domain in front of it); empty: that URL."
  default     = ""
}
