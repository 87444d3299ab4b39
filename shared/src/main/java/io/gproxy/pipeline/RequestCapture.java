package io.gproxy.pipeline;

import io.gproxy.channel.Disposition;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.config.Provider;
import io.gproxy.http.HttpRequest;
import io.gproxy.store.CaptureStore;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's capture while it runs (spec/core.md §12): the pipeline reports every upstream attempt (failed ones
 * with their disposition and reason), the handler adds the client's side, and {@link #toCapture} builds what the
 * {@link CaptureStore} keeps, redacted and bounded. Holds nothing and costs nothing when capture is off.
 */
public final class RequestCapture {
    public static final RequestCapture OFF = new RequestCapture(CaptureSettings.OFF, Instant.EPOCH);

    private final CaptureSettings settings;
    private final Instant at;
    private final List<Attempt> attempts = new ArrayList<>();

    /** An attempt in progress; its answer body (success streams included) fills in while it is relayed. */
    static final class Attempt {
        final int number;
        final Instant at;
        final Provider provider;
        final long credentialId;
        final String model;
        final UpstreamRequest request;
        int status;
        long latencyMs;
        String disposition;
        String reason;
        final BoundedBuffer response = new BoundedBuffer();
        boolean hasResponse;

        Attempt(int number, Instant at, Provider provider, long credentialId, String model, UpstreamRequest request) {
            this.number = number;
            this.at = at;
            this.provider = provider;
            this.credentialId = credentialId;
            this.model = model;
            this.request = request;
        }
    }

    public RequestCapture(CaptureSettings settings, Instant at) {
        this.settings = settings;
        this.at = at;
    }

    public CaptureSettings settings() {
        return settings;
    }

    public boolean enabled() {
        return settings.any();
    }

    /** Starts recording an attempt; null when upstream capture is off. */
    synchronized Attempt begin(Provider provider, long credentialId, String model, UpstreamRequest request,
                               Instant now) {
        if (!settings.upstream()) {
            return null;
        }
        Attempt a = new Attempt(attempts.size() + 1, now, provider, credentialId, model, request);
        attempts.add(a);
        return a;
    }

    /** The attempt's outcome; {@code body} is the answer when it was read (non-2xx), else null. */
    static void end(Attempt a, int status, long latencyMs, Disposition d, String reason, byte[] body) {
        if (a == null) {
            return;
        }
        a.status = status;
        a.latencyMs = latencyMs;
        a.disposition = name(d);
        a.reason = reason;
        if (body != null) {
            a.response.add(body, 0, body.length);
            a.hasResponse = true;
        }
    }

    /** A transport failure (no answer). */
    static void failed(Attempt a, long latencyMs, String disposition, String reason) {
        if (a == null) {
            return;
        }
        a.latencyMs = latencyMs;
        a.disposition = disposition;
        a.reason = reason;
    }

    /** The served answer's body, copied (bounded) as the relay reads it, when upstream bodies are captured. */
    InputStream tee(Attempt a, InputStream body) {
        if (a == null || !settings.upstreamBody()) {
            return body;
        }
        a.hasResponse = true;
        return new java.io.FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    a.response.add(new byte[]{(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                a.response.add(buf, off, n);
                return n;
            }
        };
    }

    static String name(Disposition d) {
        return switch (d) {
            case Disposition.Success s -> "success";
            case Disposition.Permanent p -> "permanent";
            case Disposition.RateLimited r -> "rate_limited";
            case Disposition.AuthDead a -> "auth_dead";
            case Disposition.Transient t -> "transient";
        };
    }

    /** What the store keeps for this request; {@code responseBody} is the client's body (null when not captured). */
    public synchronized CaptureStore.Capture toCapture(String requestId, HttpRequest request, int status,
                                                       String responseBody, long latencyMs) {
        boolean redact = settings.redact();
        CaptureStore.Downstream down = null;
        if (settings.downstream()) {
            String query = request.query() == null || request.query().isEmpty() ? null : request.query().encode();
            down = new CaptureStore.Downstream(at, request.method(), request.rawPath(),
                    query == null ? null : Redaction.url("?" + query, redact).substring(1), status,
                    Redaction.headers(request.headers(), redact),
                    settings.downstreamBody() ? BoundedBuffer.text(request.body()) : null,
                    settings.downstreamBody() ? responseBody : null, latencyMs);
        }
        List<CaptureStore.Upstream> ups = new ArrayList<>();
        for (Attempt a : attempts) {
            UpstreamRequest r = a.request;
            ups.add(new CaptureStore.Upstream(a.number, a.at, a.provider.id(), a.provider.name(), a.credentialId,
                    a.model, r == null ? null : r.method(), r == null ? null : Redaction.url(r.uri().toString(), redact),
                    a.status, a.latencyMs, a.disposition == null ? "unfinished" : a.disposition, a.reason,
                    r == null ? null : Redaction.headers(r.headers(), redact),
                    settings.upstreamBody() && r != null ? BoundedBuffer.text(r.body()) : null,
                    // failed attempts keep their error text even without body capture: it is the reason
                    (settings.upstreamBody() || !"success".equals(a.disposition)) && a.hasResponse ? a.response.text() : null));
        }
        return new CaptureStore.Capture(requestId, at, down, ups);
    }
}
