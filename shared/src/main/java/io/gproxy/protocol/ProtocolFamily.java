package io.gproxy.protocol;

/** The wire family of a dialect (spec/surface.md §1.1, "Provider"). */
public enum ProtocolFamily {
    OPENAI,
    CLAUDE,
    GEMINI
}
