resource "google_storage_bucket" "raw" {
  name                        = "${var.project_id}-${local.name}-raw"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
  # raw MIME of delivered mail: as long as a replay or a label correction may read it
  lifecycle_rule {
    condition {
      age            = var.raw_retention_days
      matches_prefix = ["raw/"]
    }
    action {
      type = "Delete"
    }
  }
  # raw MIME of dead letters (copied there when a message is dead-lettered): until replayed
  lifecycle_rule {
    condition {
      age            = var.dead_letter_retention_days
      matches_prefix = ["dead/"]
    }
    action {
      type = "Delete"
    }
  }
  # large attachments and bodies an event refers to by reference: for its consumers
  lifecycle_rule {
    condition {
      age            = var.parts_retention_days
      matches_prefix = ["attachments/"]
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
