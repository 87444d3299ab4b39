package io.gproxy.usage;

/** How a request's response ended. */
public enum Ended {
    /** The whole response reached the client. */
    COMPLETE,
    /** A stream stopped early: the client went away or the upstream broke after the first byte. */
    INTERRUPTED,
    /** Nothing was served (refused upstream answer, gateway error before any byte): the reservation is released. */
    FAILED;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
