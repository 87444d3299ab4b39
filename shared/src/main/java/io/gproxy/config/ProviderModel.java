package io.gproxy.config;

public record ProviderModel(long id, long providerId, String modelId, String displayName) {
}
