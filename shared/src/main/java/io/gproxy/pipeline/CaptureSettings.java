package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The capture toggles of the instance settings (spec/core.md §12): all capture off and redaction on unless a
 * settings row says otherwise; {@code retention_days} (default 30, 0 or less: kept forever) sets the items' TTL.
 */
public record CaptureSettings(boolean downstream, boolean downstreamBody, boolean upstream, boolean upstreamBody,
                              boolean redact, int retentionDays) {
    public static final CaptureSettings OFF = new CaptureSettings(false, false, false, false, true, 30);

    public static CaptureSettings from(JsonNode instanceSettings) {
        if (instanceSettings == null || !instanceSettings.isObject()) {
            return OFF;
        }
        return new CaptureSettings(instanceSettings.path("enable_downstream_log").asBoolean(false),
                instanceSettings.path("enable_downstream_log_body").asBoolean(false),
                instanceSettings.path("enable_upstream_log").asBoolean(false),
                instanceSettings.path("enable_upstream_log_body").asBoolean(false),
                !instanceSettings.path("disable_log_redaction").asBoolean(false),
                instanceSettings.path("retention_days").asInt(30));
    }

    public boolean any() {
        return downstream || upstream;
    }
}
