package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.billing.Admission;
import io.gproxy.billing.AdmissionRequest;
import io.gproxy.billing.Billing;
import io.gproxy.billing.Cost;
import io.gproxy.billing.Refusal;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.usage.Ended;

/**
 * The pipeline's side of billing (issue 6), kept apart so {@link GatewayPipeline} only calls in at three points:
 * admission after model resolution (permissions, rate limits, budget reservation; refusals become gateway errors),
 * settlement hung on the response's completion, and release when the request fails before any byte.
 */
final class BillingGate {
    private final Billing billing;
    private final CodecRegistry codecs;

    BillingGate(Billing billing, CodecRegistry codecs) {
        this.billing = billing;
        this.codecs = codecs;
    }

    Admission admit(HttpRequest request, ClassifiedRequest req, ObjectNode body, KeyIdentity identity,
                    Resolution resolution, ConfigSnapshot snapshot, RequestLog log) throws GatewayError {
        try {
            return billing.admit(new AdmissionRequest(log.requestId(), identity, snapshot, req.operation(), req.kind(),
                    body, request.body().length, resolution.routeName(), resolution.targets().stream()
                    .map(t -> new AdmissionRequest.Candidate(t.provider().id(), t.provider().name(), t.upstreamModel()))
                    .toList()));
        } catch (Refusal r) {
            throw new GatewayError(r.status(), r.getMessage(), r.retryAfterSeconds());
        }
    }

    /** The caller's listing permissions (issue 5: listings filtered by the same globs admission checks). */
    ListingPermits listingPermits(ConfigSnapshot snapshot, KeyIdentity identity) throws GatewayError {
        return ListingPermits.of(billing.policy(snapshot), snapshot, identity.user());
    }

    /** Settles the served response after its last byte (or releases the reservation if it is not a success). */
    HttpResponse finish(Admission admission, HttpResponse response, ClassifiedRequest req, RequestLog log) {
        boolean sse = !(req.kind() == OperationKind.GEMINI_GENERATE_CONTENT && !req.geminiSse());
        return admission.attach(response, log::reportedUsage, codecs.find(req.kind()).orElse(null), sse, s -> {
            if (s.ended() != Ended.FAILED) {
                log.billed(Cost.format(s.cost()), s.source().id(), s.ended().id());
            }
        });
    }

    /** The request failed before any byte: its error response releases the reservation once sent. */
    HttpResponse failed(Admission admission, GatewayError e, RequestLog log) {
        log.error(e.getMessage());
        return admission.release(ErrorResponses.of(e), null);
    }
}
