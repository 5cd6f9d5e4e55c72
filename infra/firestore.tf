resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"
}

# Dedupe claims expire by TTL (deleted within about a day of expires_at).
# https://cloud.google.com/firestore/docs/ttl
resource "google_firestore_field" "dedupe_ttl" {
  database   = google_firestore_database.default.name
  collection = "dedupe"
  field      = "expires_at"
  ttl_config {}
  index_config {}
}

# list_mailboxes(None) is a collection-group query over every tenant's mailboxes.
resource "google_firestore_field" "mailboxes_tenant" {
  database   = google_firestore_database.default.name
  collection = "mailboxes"
  field      = "tenant_id"
  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

resource "google_firestore_index" "dead_letters_by_tenant" {
  database   = google_firestore_database.default.name
  collection = "dead_letters"
  fields {
    field_path = "tenant_id"
    order      = "ASCENDING"
  }
  fields {
    field_path = "last_failed_at"
    order      = "ASCENDING"
  }
}
