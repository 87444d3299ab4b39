package io.gproxy.tests.pipeline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP against the local gateway. */
final class PipelineHttp {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PipelineHttp() {}

    static HttpResponse<String> post(String baseUrl, String path, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String baseUrl, String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
