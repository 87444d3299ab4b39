package io.gproxy.channel;

/** A channel cannot build the upstream request (missing base URL, missing api_key, bad endpoint override). */
public final class ChannelException extends Exception {
    public ChannelException(String message) {
        super(message, null, false, false);
    }
}
