package io.gproxy.channel;

import io.gproxy.http.Headers;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The side calls a channel needs besides the proxied request: token refresh and model-list fetches. Buffered, with
 * a total timeout. The host passes one in ({@link RefreshContext}, {@code CatalogRefresher}) so tests can point it
 * at loopback servers and the credential's proxy settings can apply.
 */
@FunctionalInterface
public interface ChannelHttp {

    Result send(UpstreamRequest request, Duration timeout) throws IOException, InterruptedException;

    /** A buffered answer. */
    record Result(int status, Headers headers, byte[] body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public String text() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The JDK client (DESIGN §8): no redirects, HTTP/1.1 for plain-http (loopback) hosts. */
    static ChannelHttp jdk(HttpClient client) {
        return (request, timeout) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(timeout);
            if ("http".equals(request.uri().getScheme())) {
                b.version(HttpClient.Version.HTTP_1_1);
            }
            request.headers().asMap().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
            b.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Result(r.statusCode(), Headers.copyOf(r.headers().map()), r.body());
        };
    }

    static ChannelHttp jdk() {
        return jdk(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }
}
