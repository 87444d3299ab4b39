package io.gproxy.channel;

/** One model of a provider's catalogue: the upstream id and an optional display name. */
public record CatalogModel(String id, String displayName) {
    public static CatalogModel of(String id) {
        return new CatalogModel(id, null);
    }
}
