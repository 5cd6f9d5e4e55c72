# Firestore (Native mode) for the state store: shared/adapters/firestore/store.py lists the
# document layout. https://cloud.google.com/firestore/docs/reference/rest
resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"

  depends_on = [google_project_service.apis]
}

# TTL policies: Firestore deletes a document some time (typically within 24 h) after the
# timestamp in the field; the code treats an expired document still present as absent.
# An empty index_config exempts the field from single-field indexing, as recommended for
# TTL timestamps that increase monotonically (avoids index hotspots).
# https://cloud.google.com/firestore/docs/ttl
resource "google_firestore_field" "dedupe_ttl" {
  database   = google_firestore_database.default.name
  collection = "dedupe"
  field      = "expires_at"
  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "leases_ttl" {
  database   = google_firestore_database.default.name
  collection = "leases"
  field      = "expires_at"
  ttl_config {}
  index_config {}
}

# watcher replicas' heartbeats (a member lease has no expires_at: it lives with its holder's)
resource "google_firestore_field" "replicas_ttl" {
  database   = google_firestore_database.default.name
  collection = "replicas"
  field      = "expires_at"
  ttl_config {}
  index_config {}
}

# tenants/{t}/events/{event id}: recent event summaries for the settings page, kept 30 days
# (shared/domain/recent_events.py KEEP_DAYS); listed newest first by "at" (automatic index).
resource "google_firestore_field" "events_ttl" {
  database   = google_firestore_database.default.name
  collection = "events"
  field      = "expires_at"
  ttl_config {}
  index_config {}
}

# tenants/{t}/mailboxes/{m}/state/{cursor|health}: never queried, only read by id.
# A POP3 cursor holds every seen UIDL in value.seen_uidls, and each array element would be an
# index entry (a document may have at most 40,000); health.buckets gains fields every hour
# and health.days every day.
# Exempting them keeps writes cheap and within limits.
# https://cloud.google.com/firestore/quotas#indexes
resource "google_firestore_field" "state_value_unindexed" {
  database   = google_firestore_database.default.name
  collection = "state"
  field      = "value"
  index_config {}
}

resource "google_firestore_field" "state_buckets_unindexed" {
  database   = google_firestore_database.default.name
  collection = "state"
  field      = "buckets"
  index_config {}
}

# health.days: the analytics (per UTC day: events per label, a processing-time histogram),
# read by id only, a few hundred counters that change with every flush.
resource "google_firestore_field" "state_days_unindexed" {
  database   = google_firestore_database.default.name
  collection = "state"
  field      = "days"
  index_config {}
}

# find_mailboxes (a Gmail push names only the account): an equality filter on address_key
# across every tenant's "mailboxes" — a collection-group query, which needs the single-field
# index enabled at collection-group scope (automatic indexes are collection-scoped).
# https://cloud.google.com/firestore/docs/query-data/queries#collection-group-query
resource "google_firestore_field" "mailboxes_address_key" {
  database   = google_firestore_database.default.name
  collection = "mailboxes"
  field      = "address_key"
  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# The settings page's "Recent events" filtered by mailbox and/or label (the label the row
# shows, shown_label): an equality filter with order_by("at" DESC, __name__ DESC) needs a
# composite index per filter combination (shared/adapters/firestore/recent_events.py).
# Three more index entries per event summary written; the unfiltered listing still uses
# the automatic index. https://cloud.google.com/firestore/docs/query-data/index-overview
locals {
  recent_event_filters = {
    events_by_mailbox           = ["mailbox_id"]
    events_by_label             = ["shown_label"]
    events_by_mailbox_and_label = ["mailbox_id", "shown_label"]
  }
}

resource "google_firestore_index" "recent_events" {
  for_each    = local.recent_event_filters
  database    = google_firestore_database.default.name
  collection  = "events"
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value
    content {
      field_path = fields.value
      order      = "ASCENDING"
    }
  }
  fields {
    field_path = "at"
    order      = "DESCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "DESCENDING"
  }
}

# No other composite index is needed; every other query is served by automatic indexes:
# - list_mailboxes(None): collection-group query on "mailboxes" with no filter or order
#   (ordered by document name, which is always indexed);
# - list_audit: order_by("at", DESCENDING) within one tenant's audit collection;
# - list_event_summaries without a filter: order_by("at", DESCENDING) within one tenant's
#   events collection;
# - list_dead_letters(tenant): one equality filter on tenant_id, sorted in the client.
# https://cloud.google.com/firestore/docs/query-data/index-overview
