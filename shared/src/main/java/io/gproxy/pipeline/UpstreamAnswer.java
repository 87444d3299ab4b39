package io.gproxy.pipeline;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;

/** A fully read upstream answer, relayed as it stands (status, sanitised headers, body). */
record UpstreamAnswer(int status, Headers headers, byte[] body) {

    static UpstreamAnswer buffer(UpstreamResponse response) throws GatewayError {
        try (InputStream in = response.body()) {
            return new UpstreamAnswer(response.status(), ResponseHeaders.fromUpstream(response.headers(), false), in.readAllBytes());
        } catch (IOException e) {
            throw GatewayError.upstreamFailed();
        }
    }

    HttpResponse toResponse() {
        return HttpResponse.buffered(status, headers.copy(), body == null ? new byte[0] : body);
    }
}
