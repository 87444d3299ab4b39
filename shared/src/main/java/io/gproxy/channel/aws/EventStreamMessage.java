package io.gproxy.channel.aws;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

/**
 * One decoded {@code application/vnd.amazon.eventstream} message. Header values are typed as on the wire:
 * {@link Boolean}, {@link Byte}, {@link Short}, {@link Integer}, {@link Long}, {@code byte[]}, {@link String},
 * {@link java.time.Instant} (timestamp) or {@link java.util.UUID}.
 */
public record EventStreamMessage(Map<String, Object> headers, byte[] payload) {

    public EventStreamMessage {
        headers = Collections.unmodifiableMap(headers);
    }

    /** A string header, or null. */
    public String header(String name) {
        Object v = headers.get(name);
        return v instanceof String s ? s : null;
    }

    /** {@code :message-type}: {@code event}, {@code exception} or {@code error}. */
    public String messageType() {
        return header(":message-type");
    }

    /** {@code :event-type} of an event ({@code chunk}, {@code messageStart}, ...). */
    public String eventType() {
        return header(":event-type");
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
