package io.gproxy.admin;

import io.gproxy.store.EntityType;

/** A nested collection's owner: {@code /admin/providers/{id}/credentials} is credentials with provider_id = id. */
record Parent(EntityType type, String field, long id) {
}
