package io.gproxy.functions.runtime;

/** One event handed out by {@code GET /runtime/invocation/next}. */
record Invocation(String requestId, long deadlineMs, byte[] event) {
}
