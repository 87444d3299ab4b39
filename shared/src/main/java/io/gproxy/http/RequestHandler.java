package io.gproxy.http;

/**
 * What every transport calls: the local server, the buffered Lambda handlers and the streaming runtime. Never
 * throws: every failure becomes a response.
 */
public interface RequestHandler {
    HttpResponse handle(HttpRequest request);

    /** Bodies larger than this are refused with 413 before they are read in full. */
    long maxBodyBytes();

    /** The response for a body over the limit, for transports that detect it while reading. */
    HttpResponse payloadTooLarge();
}
