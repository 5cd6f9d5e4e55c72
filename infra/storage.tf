resource "google_storage_bucket" "raw" {
  name                        = "${var.project_id}-${local.name}-raw"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
  lifecycle_rule {
    condition {
      age = var.raw_retention_days
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "function_source" {
  name                        = "${var.project_id}-${local.name}-src"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
}
