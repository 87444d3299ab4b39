package io.gproxy.infra;

import software.constructs.Node;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Synth-time settings of the CDK stack, with the defaults of template.yaml. Each can be overridden with a CDK
 * context value named like the SAM parameter ({@code cdk deploy -c GenerateContentTimeout=600}). The origin-verify
 * secrets are not settings: they are NoEcho CloudFormation parameters, so they never land in the synthesized
 * template or cdk.out.
 */
public record GatewaySettings(
        String tableName,
        Map<GatewayFunction, Integer> memoryMb,
        Map<GatewayFunction, Integer> timeoutSeconds,
        int logRetentionDays,
        int configRefreshMs,
        int maxAttempts,
        String javaToolOptions,
        int streamingOriginReadTimeoutSeconds,
        int originReadTimeoutSeconds,
        int originKeepaliveTimeoutSeconds,
        String priceClass) {

    public static final String DEFAULT_JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    public GatewaySettings {
        memoryMb = Map.copyOf(memoryMb);
        timeoutSeconds = Map.copyOf(timeoutSeconds);
        for (GatewayFunction f : GatewayFunction.values()) {
            int memory = require(memoryMb, f, "memory");
            int timeout = require(timeoutSeconds, f, "timeout");
            if (memory < 128 || memory > 10240) {
                throw new IllegalArgumentException(f.memoryParameter() + " must be 128..10240 MB: " + memory);
            }
            if (timeout < 1 || timeout > 900) {
                throw new IllegalArgumentException(f.timeoutParameter() + " must be 1..900 s: " + timeout);
            }
        }
        checkRange("StreamingOriginReadTimeout", streamingOriginReadTimeoutSeconds, 1, 180);
        checkRange("OriginReadTimeout", originReadTimeoutSeconds, 1, 180);
        checkRange("OriginKeepaliveTimeout", originKeepaliveTimeoutSeconds, 1, 180);
        checkRange("MaxAttempts", maxAttempts, 1, Integer.MAX_VALUE);
        checkRange("ConfigRefreshMs", configRefreshMs, 0, Integer.MAX_VALUE);
        LogRetention.of(logRetentionDays);
        if (!priceClass.equals("PriceClass_100") && !priceClass.equals("PriceClass_200")
                && !priceClass.equals("PriceClass_All")) {
            throw new IllegalArgumentException("PriceClass must be PriceClass_100, PriceClass_200 or PriceClass_All: " + priceClass);
        }
    }

    /** The defaults of template.yaml. */
    public static GatewaySettings defaults() {
        return fromLookup(key -> null);
    }

    /** Defaults overridden by CDK context values named like the SAM parameters. */
    public static GatewaySettings fromContext(Node node) {
        return fromLookup(key -> {
            Object v = node.tryGetContext(key);
            return v == null ? null : v.toString();
        });
    }

    static GatewaySettings fromLookup(Function<String, String> lookup) {
        Map<GatewayFunction, Integer> memory = new EnumMap<>(GatewayFunction.class);
        Map<GatewayFunction, Integer> timeout = new EnumMap<>(GatewayFunction.class);
        for (GatewayFunction f : GatewayFunction.values()) {
            memory.put(f, intValue(lookup, f.memoryParameter(), f.defaultMemoryMb()));
            timeout.put(f, intValue(lookup, f.timeoutParameter(), f.defaultTimeoutSeconds()));
        }
        return new GatewaySettings(
                stringValue(lookup, "TableName", GatewayStackNames.DEFAULT_TABLE_NAME),
                memory,
                timeout,
                intValue(lookup, "LogRetentionDays", 30),
                intValue(lookup, "ConfigRefreshMs", 5000),
                intValue(lookup, "MaxAttempts", 6),
                stringValue(lookup, "JavaToolOptions", DEFAULT_JAVA_TOOL_OPTIONS),
                intValue(lookup, "StreamingOriginReadTimeout", 60),
                intValue(lookup, "OriginReadTimeout", 60),
                intValue(lookup, "OriginKeepaliveTimeout", 5),
                stringValue(lookup, "PriceClass", "PriceClass_All"));
    }

    public int memoryOf(GatewayFunction f) {
        return memoryMb.get(f);
    }

    public int timeoutOf(GatewayFunction f) {
        return timeoutSeconds.get(f);
    }

    private static int require(Map<GatewayFunction, Integer> map, GatewayFunction f, String what) {
        Integer v = map.get(f);
        if (v == null) {
            throw new IllegalArgumentException("no " + what + " for " + f);
        }
        return v;
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ": " + value);
        }
    }

    private static int intValue(Function<String, String> lookup, String key, int fallback) {
        String v = lookup.apply(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context " + key + " is not a whole number: " + v, e);
        }
    }

    private static String stringValue(Function<String, String> lookup, String key, String fallback) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
