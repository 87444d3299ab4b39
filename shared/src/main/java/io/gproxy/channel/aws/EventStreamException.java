package io.gproxy.channel.aws;

import java.io.IOException;

/** The AWS event stream is corrupted (CRC mismatch, impossible lengths, unknown header type) or was cut short. */
public final class EventStreamException extends IOException {
    public EventStreamException(String message) {
        super(message);
    }
}
