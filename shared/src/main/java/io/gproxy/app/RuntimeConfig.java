package io.gproxy.app;

import java.time.Duration;
import java.util.Map;

/**
 * Process configuration from {@code GPROXY_*} environment variables (documented in the README with these defaults).
 *
 * @param masterKey        base64 of 32 bytes; seals secrets when no KMS key is configured (local mode)
 * @param kmsKeyId         KMS key id, ARN or alias; when set, secrets are sealed with KMS envelope encryption
 * @param dynamoEndpoint   endpoint override (DynamoDB Local); null for the AWS default
 * @param streamKeepalive  silence after which a stream gets a keepalive comment (CloudFront's origin read timeout
 *                         is 30 s by default); 0 disables keepalives
 * @param adminPassword    when set, the bootstrap admin's password is reset to it on every start
 * @param originSecrets    values CloudFront puts in {@code x-gproxy-origin-verify} (comma-separated in
 *                         {@code GPROXY_ORIGIN_SECRET}, several while rotating); empty: no check (local mode)
 * @param upstreamProxyUrl {@code http://[user:pass@]host:port} every upstream call goes through unless a credential,
 *                         provider or the instance settings name another (or {@code direct})
 */
public record RuntimeConfig(String tableName, String region, String dynamoEndpoint, String masterKey, String kmsKeyId,
                            long maxBodyBytes, int maxAttempts, Duration configRefresh,
                            Duration upstreamConnectTimeout, Duration upstreamTimeout, Duration streamKeepalive,
                            String adminUser, String adminPassword, java.util.List<String> originSecrets,
                            String upstreamProxyUrl) {

    public static final String DEFAULT_TABLE = "gproxy";

    public static RuntimeConfig defaults() {
        return fromEnv(Map.of());
    }

    public static RuntimeConfig fromEnv(Map<String, String> env) {
        return new RuntimeConfig(
                env.getOrDefault("GPROXY_TABLE", DEFAULT_TABLE),
                env.getOrDefault("AWS_REGION", env.getOrDefault("GPROXY_REGION", "us-east-1")),
                blankToNull(env.get("GPROXY_DYNAMODB_ENDPOINT")),
                blankToNull(env.get("GPROXY_MASTER_KEY")),
                blankToNull(env.get("GPROXY_KMS_KEY_ID")),
                longOf(env, "GPROXY_MAX_BODY_BYTES", 50L * 1024 * 1024),
                (int) longOf(env, "GPROXY_MAX_ATTEMPTS", 6),
                Duration.ofMillis(longOf(env, "GPROXY_CONFIG_REFRESH_MS", 5000)),
                Duration.ofMillis(longOf(env, "GPROXY_UPSTREAM_CONNECT_TIMEOUT_MS", 10_000)),
                Duration.ofMillis(longOf(env, "GPROXY_UPSTREAM_TIMEOUT_MS", 600_000)),
                Duration.ofMillis(longOf(env, "GPROXY_STREAM_KEEPALIVE_MS", 15_000)),
                env.getOrDefault("GPROXY_ADMIN_USER", "admin"),
                blankToNull(env.get("GPROXY_ADMIN_PASSWORD")),
                splitSecrets(env.get("GPROXY_ORIGIN_SECRET")),
                blankToNull(env.get("GPROXY_UPSTREAM_PROXY_URL")));
    }

    public RuntimeConfig withMaxBodyBytes(long bytes) {
        return new RuntimeConfig(tableName, region, dynamoEndpoint, masterKey, kmsKeyId, bytes, maxAttempts, configRefresh,
                upstreamConnectTimeout, upstreamTimeout, streamKeepalive, adminUser, adminPassword, originSecrets, upstreamProxyUrl);
    }

    public RuntimeConfig withConfigRefresh(Duration refresh) {
        return new RuntimeConfig(tableName, region, dynamoEndpoint, masterKey, kmsKeyId, maxBodyBytes, maxAttempts, refresh,
                upstreamConnectTimeout, upstreamTimeout, streamKeepalive, adminUser, adminPassword, originSecrets, upstreamProxyUrl);
    }

    public RuntimeConfig withTable(String table) {
        return new RuntimeConfig(table, region, dynamoEndpoint, masterKey, kmsKeyId, maxBodyBytes, maxAttempts, configRefresh,
                upstreamConnectTimeout, upstreamTimeout, streamKeepalive, adminUser, adminPassword, originSecrets, upstreamProxyUrl);
    }

    private static long longOf(Map<String, String> env, String name, long dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    private static java.util.List<String> splitSecrets(String value) {
        if (value == null || value.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "RuntimeConfig[table=" + tableName + ", region=" + region + ", masterKey="
                + (masterKey == null ? "unset" : "set") + ", kmsKeyId=" + kmsKeyId + ", originSecrets="
                + originSecrets.size() + ", upstreamProxy=" + (upstreamProxyUrl == null ? "unset" : "set") + "]";
    }
}
