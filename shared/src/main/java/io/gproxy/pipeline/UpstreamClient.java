package io.gproxy.pipeline;

import io.gproxy.channel.ChannelException;
import io.gproxy.channel.OutboundProxy;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Credential;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.http.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends prepared requests with the JDK client (DESIGN §8: no extra HTTP library). Returns as soon as the status
 * and headers arrive so streams can be relayed as they come. Plain-http upstreams (loopback mocks, local models)
 * are spoken to in HTTP/1.1 so no h2c upgrade is attempted; https negotiates HTTP/2 by ALPN.
 */
public final class UpstreamClient {
    private final OutboundClients clients;
    private final ProxyResolver proxies;
    private final Duration responseTimeout;

    /** Direct calls only (no process-wide default proxy); config may still name proxies. */
    public UpstreamClient(HttpClient client, Duration responseTimeout) {
        this(new OutboundClients(client, Duration.ofSeconds(10)), new ProxyResolver(null), responseTimeout);
    }

    public UpstreamClient(OutboundClients clients, ProxyResolver proxies, Duration responseTimeout) {
        this.clients = clients;
        this.proxies = proxies;
        this.responseTimeout = responseTimeout;
    }

    /** The longest the gateway waits on an upstream for anything ({@code GPROXY_UPSTREAM_TIMEOUT_MS}). */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    /** Side calls (token refresh) through the same proxy as the credential's requests. */
    public io.gproxy.channel.ChannelHttp sideCalls(OutboundProxy proxy) {
        return io.gproxy.channel.ChannelHttp.jdk(clients.client(proxy));
    }

    /** The proxy an attempt with {@code credential} goes through (see {@link ProxyResolver}). */
    public OutboundProxy proxyFor(ConfigSnapshot snapshot, Credential credential) throws ChannelException {
        return proxies.resolve(snapshot, credential);
    }

    /**
     * When a buffered answer sent at {@code sentAtNanos} ({@link System#nanoTime()}) must be complete, body included:
     * the same timeout that bounds the wait for the headers, counted from the send. A client that waits for a whole
     * answer cannot be served later than that anyway, and one bound keeps a slow-but-alive upstream (a body
     * trickling in, a folded stream with long pauses) working whenever it finishes in time.
     */
    public long answerDeadline(long sentAtNanos) {
        return sentAtNanos + responseTimeout.toNanos();
    }

    public static HttpClient defaultHttpClient(Duration connectTimeout) {
        OutboundClients.allowBasicProxyAuthForTunnels(); // before the process's first client: the JDK reads it once
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_2)
                .build();
    }

    /**
     * The timeout bounds the wait for the response's status and headers, for streams too: the JDK client stops the
     * timer once the headers are in (the body is an {@code InputStream}). A stream may then take as long as it likes
     * in all, but no gap between its bytes may pass the timeout ({@link SilentStreamGuard}), so an upstream that
     * accepts a request and then stops answering cannot hold it (and its budget reservation) forever. Bodies the
     * gateway reads whole are bounded by the caller ({@link #answerDeadline}).
     *
     * @param stream true for streaming calls
     */
    public UpstreamResponse send(UpstreamRequest request, boolean stream) throws IOException, InterruptedException {
        return send(request, stream, OutboundProxy.DIRECT);
    }

    /** Sends through {@code proxy} ({@link OutboundProxy#DIRECT} for none). */
    public UpstreamResponse send(UpstreamRequest request, boolean stream, OutboundProxy proxy)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri());
        if ("http".equals(request.uri().getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        b.timeout(responseTimeout);
        request.headers().asMap().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        if (request.body() != null) {
            b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        } else {
            b.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<InputStream> r = clients.client(proxy).send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        // a stream may take as long as it likes in all, but not fall silent for longer than the timeout
        InputStream body = stream ? SilentStreamGuard.guard(r.body(), responseTimeout) : r.body();
        return new UpstreamResponse(r.statusCode(), Headers.copyOf(r.headers().map()), body);
    }
}
