package io.gproxy.billing;

import io.gproxy.http.BodySink;
import io.gproxy.http.HttpResponse;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.protocol.StreamChunks;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.store.CounterUpdate;
import io.gproxy.store.StoreUnavailableException;
import io.gproxy.store.StoredRecord;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.Usage;
import io.gproxy.usage.Ended;
import io.gproxy.usage.Rollups;
import io.gproxy.usage.UsageRecord;
import io.gproxy.usage.UsageSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One admitted request: what it reserved, which candidate served it, and its settlement, which runs exactly once
 * from the response's completion hook (after the last byte, inside the invocation), never on the client's path.
 */
public final class Admission {
    public static final String COST_HEADER = "x-gproxy-cost-usd";
    public static final String INPUT_TOKENS_HEADER = "x-gproxy-input-tokens";
    public static final String OUTPUT_TOKENS_HEADER = "x-gproxy-output-tokens";

    /** The candidate that answered. */
    public record Served(long providerId, String providerName, long credentialId, String model,
                         ProtocolFamily upstreamFamily, Instant at) {}

    private final Billing billing;
    private final AdmissionRequest request;
    private final BillingPolicy policy;
    private final List<Scope.Ref> chain;
    private final Instant startedAt;
    private final long startNanos = System.nanoTime();
    private final boolean billed;
    private final boolean reserved;
    private final long estimateMicros;
    private final List<CounterUpdate> budgets;
    private final List<CounterUpdate> tokenDays;
    private final String serviceTier;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Served served;

    Admission(Billing billing, AdmissionRequest request, BillingPolicy policy, List<Scope.Ref> chain, Instant startedAt,
              boolean billed, boolean reserved, long estimateMicros, List<CounterUpdate> budgets,
              List<CounterUpdate> tokenDays, String serviceTier) {
        this.billing = billing;
        this.request = request;
        this.policy = policy;
        this.chain = List.copyOf(chain);
        this.startedAt = startedAt;
        this.billed = billed;
        this.reserved = reserved;
        this.estimateMicros = estimateMicros;
        this.budgets = List.copyOf(budgets);
        this.tokenDays = List.copyOf(tokenDays);
        this.serviceTier = serviceTier;
    }

    public long estimateMicros() {
        return estimateMicros;
    }

    public boolean reserved() {
        return reserved;
    }

    public List<Scope.Ref> chain() {
        return chain;
    }

    /**
     * Whether a credential's minute budget (rpm/tpm, spec/core.md §10.4) admits one more request; takes the request
     * slot when it does. Exhausted or unreachable (fail closed): skip the candidate, which is not an attempt.
     */
    public boolean credentialAvailable(long credentialId) {
        BillingPolicy.CredentialLimits l = policy.credentialLimits(credentialId);
        if (l == null) {
            return true;
        }
        Instant now = billing.clock().instant();
        Map<String, Long> bounds = new java.util.LinkedHashMap<>();
        if (l.rpm() != null) {
            bounds.put("n", l.rpm() - 1);
        }
        if (l.tpm() != null) {
            bounds.put("tok", l.tpm() - 1);
        }
        if (bounds.values().stream().anyMatch(b -> b < 0)) {
            return false;
        }
        try {
            return billing.store().tryUpdate(new CounterUpdate(credentialPartition(credentialId),
                    "M#" + Billing.MINUTE.format(now), Map.of("n", 1L), bounds, Map.of(), minuteEnd(now) + 3600));
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    /** The candidate whose 2xx answer is being relayed. */
    public void served(long providerId, String providerName, long credentialId, String model, ProtocolFamily upstream) {
        this.served = new Served(providerId, providerName, credentialId, model, upstream, billing.clock().instant());
    }

    public Served servedBy() {
        return served;
    }

    /**
     * Registers the settlement on {@code response}'s completion. A 2xx answer from a served candidate is settled with
     * the usage the upstream reported: a buffered one gets the cost and token headers now (its usage is known), a
     * stream is watched for how it ends and for the text it relays (an estimate when no usage comes). Anything else
     * releases the reservation.
     *
     * @param usage       the usage the upstream reported so far (read at completion for streams)
     * @param clientCodec the client's protocol codec, to read relayed text from a stream; null: count bytes
     * @param clientSse   whether the client's stream is SSE (false: a Gemini JSON array)
     * @param onSettled   told what was billed (for the request log), before the settlement is written
     */
    public HttpResponse attach(HttpResponse response, Supplier<Usage> usage, ProtocolCodec clientCodec, boolean clientSse,
                               Consumer<Settlement> onSettled) {
        if (!billed) {
            return response; // rate-limited only: nothing reserved to give back, no usage record (spec/core.md §9.3)
        }
        if (served == null || response.status() < 200 || response.status() >= 300) {
            return release(response, onSettled);
        }
        if (!response.isStreaming()) {
            Settlement s = settlement(usage.get(), Ended.COMPLETE, () -> TextTokens.estimate(
                    new String(response.body(), StandardCharsets.UTF_8)));
            response.headers().set(COST_HEADER, Cost.format(s.cost()));
            response.headers().set(INPUT_TOKENS_HEADER, Long.toString(s.usage().promptTokens()));
            response.headers().set(OUTPUT_TOKENS_HEADER, Long.toString(s.usage().output()));
            response.onComplete(() -> settle(s, onSettled));
            return response;
        }
        TextTokens relayed = new TextTokens();
        AtomicBoolean complete = new AtomicBoolean();
        SideReader reader = new SideReader(clientCodec, !clientSse, relayed);
        HttpResponse watched = response.withStream(sink -> {
            response.stream().writeTo(new BodySink() {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    sink.write(bytes, offset, length);
                    reader.feed(bytes, offset, length);
                }

                @Override
                public void flush() throws IOException {
                    sink.flush();
                }
            });
            complete.set(true); // every byte went out; a failure (client gone, upstream cut) skips this line
        });
        // Complete only when every byte went out AND the client's stream ended as its protocol ends: a stream that
        // carried an error frame (garbage from the upstream) or stopped before its finish event (truncated upstream)
        // was not served in full, even though the transport closed cleanly.
        watched.onComplete(() -> settle(settlement(usage.get(),
                complete.get() && reader.endedWell() ? Ended.COMPLETE : Ended.INTERRUPTED, relayed::tokens), onSettled));
        return watched;
    }

    /** Nothing was served: give the reserved budget back once the response is out. */
    public HttpResponse release(HttpResponse response, Consumer<Settlement> onSettled) {
        response.onComplete(() -> settle(settlement(null, Ended.FAILED, () -> 0), onSettled));
        return response;
    }

    /** Releases now (the request failed without a response to hang the release on). */
    public void releaseNow() {
        settle(settlement(null, Ended.FAILED, () -> 0), null);
    }

    /**
     * The settlement of this request (pure: nothing written). A request served without reported usage is billed on
     * estimates (usage_source {@code estimated}): its input from the request text, its output from the text relayed.
     * An interrupted stream bills the usage seen so far, but never less output than the relayed text shows (a Claude
     * stream cut after {@code message_start} reports 1 output token).
     *
     * @param usage         reported usage (null or empty: none)
     * @param relayedTokens estimate of the output relayed to the client
     */
    public Settlement settlement(Usage usage, Ended ended, java.util.function.LongSupplier relayedTokens) {
        Served s = ended == Ended.FAILED ? null : served;
        BilledUsage billedUsage = BilledUsage.ZERO;
        UsageSource source = UsageSource.UPSTREAM;
        if (s != null) {
            boolean reportedAny = usage != null && !usage.isEmpty();
            billedUsage = reportedAny ? BilledUsage.from(usage, s.upstreamFamily()) : BilledUsage.ZERO;
            if (!reportedAny) {
                source = UsageSource.ESTIMATED;
                long in = request.body() == null ? 0 : TextTokens.estimate(request.body().toString());
                billedUsage = new BilledUsage(in, relayedTokens.getAsLong(), 0, 0, 0, 0, 0, 0);
            } else if (usage.outputTokens() == null || ended == Ended.INTERRUPTED) {
                long text = relayedTokens.getAsLong();
                if (usage.outputTokens() == null || text > billedUsage.output()) {
                    billedUsage = billedUsage.withOutput(Math.max(billedUsage.output(), text));
                    source = UsageSource.ESTIMATED;
                }
            }
        }
        BigDecimal cost = BigDecimal.ZERO;
        if (s != null && billed) {
            cost = Cost.usd(policy.prices().prices(s.providerId(), s.model(), billedUsage.promptTokens(), serviceTier),
                    billedUsage);
        }
        long micros = Cost.micros(cost);
        int retention = policy.retentionDays();
        List<CounterUpdate> updates = new ArrayList<>();
        for (CounterUpdate b : budgets) {
            updates.add(b.adjust(Map.of("committed", micros - estimateMicros, "spent", micros, "requests", s == null ? 0L : 1L)));
        }
        List<StoredRecord> records = new ArrayList<>();
        if (s != null) {
            long tokens = billedUsage.totalTokens();
            for (CounterUpdate d : tokenDays) {
                updates.add(d.adjust(Map.of("tok", tokens)));
            }
            BillingPolicy.CredentialLimits l = policy.credentialLimits(s.credentialId());
            if (l != null && l.tpm() != null) {
                updates.add(CounterUpdate.add(credentialPartition(s.credentialId()), "M#" + Billing.MINUTE.format(s.at()),
                        Map.of("tok", tokens), minuteEnd(s.at()) + 3600));
            }
            var user = request.identity().user();
            UsageRecord rec = new UsageRecord(request.requestId(), startedAt, user.id(), request.identity().key().id(),
                    user.orgId(), user.teamId(), request.routeName(), s.providerId(), s.providerName(), s.credentialId(),
                    request.operation().id(), request.kind().id(), s.model(), billedUsage.input(), billedUsage.output(),
                    billedUsage.cacheRead(), billedUsage.cacheCreation5m(), billedUsage.cacheCreation30m(),
                    billedUsage.cacheCreation1h(), billedUsage.imageOutput(), billedUsage.reasoning(), cost, micros, estimateMicros,
                    (System.nanoTime() - startNanos) / 1_000_000, source, ended);
            updates.addAll(Rollups.of(rec, retention));
            if (policy.usageEnabled()) {
                records.add(rec.toStored(retention));
            }
        }
        return new Settlement(request.requestId(), reserved, updates, records, cost, micros, estimateMicros, billedUsage,
                source, ended);
    }

    private void settle(Settlement s, Consumer<Settlement> onSettled) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        if (onSettled != null) {
            try {
                onSettled.accept(s);
            } catch (RuntimeException ignored) {
                // logging must not stop the settlement
            }
        }
        // A settlement must land even when the thread was interrupted (a client that went away mid-stream can leave
        // the flag set, and the AWS SDK aborts calls on interrupted threads): clear it for the writes, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            billing.apply(s);
        } catch (RuntimeException e) {
            // The budget stays reserved (committed), which errs on the safe side; operators see the line.
            Throwable cause = e.getCause();
            String code = cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                    && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorCode() : null;
            System.err.println("{\"level\":\"error\",\"msg\":\"settlement failed: " + e.getClass().getSimpleName()
                    + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + (code == null ? "" : " " + code) + ")")
                    + "\",\"request_id\":\"" + request.requestId() + "\"}");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String credentialPartition(long credentialId) {
        return "CTR#cred#" + credentialId;
    }

    private static long minuteEnd(Instant t) {
        return (Math.floorDiv(t.getEpochSecond(), 60) + 1) * 60;
    }

    /** Reads the relayed stream in the client's protocol on the side, for the text it carries; never disturbs it. */
    private static final class SideReader {
        private final TextTokens text;
        private final boolean reading;
        private StreamChunks chunks;
        private StreamDecoder decoder;
        private volatile boolean finished;
        private volatile boolean failed;

        /** @param jsonArray the client's stream is a Gemini JSON array: its elements are the chunks the codec reads */
        SideReader(ProtocolCodec codec, boolean jsonArray, TextTokens text) {
            this.text = text;
            this.reading = codec != null;
            if (codec != null) {
                this.chunks = StreamChunks.of(jsonArray);
                this.decoder = codec.newStreamDecoder(TransformContext.now());
            }
        }

        /**
         * Whether the client's stream ended as its protocol ends: a finish event, no error frame, nothing unreadable.
         */
        boolean endedWell() {
            return !reading || (finished && !failed && decoder != null);
        }

        void feed(byte[] bytes, int offset, int length) {
            if (decoder == null) {
                text.addBytes(length);
                return;
            }
            try {
                for (SseFrame f : chunks.feed(bytes, offset, length)) {
                    for (StreamEvent e : decoder.decode(f)) {
                        if (e instanceof StreamEvent.TextDelta t) {
                            text.add(t.text());
                        } else if (e instanceof StreamEvent.ReasoningDelta r) {
                            text.add(r.text());
                        } else if (e instanceof StreamEvent.ToolArgumentsDelta a) {
                            text.add(a.partialJson());
                        } else if (e instanceof StreamEvent.Finish) {
                            finished = true;
                        } else if (e instanceof StreamEvent.Error) {
                            failed = true;
                        }
                    }
                }
            } catch (Exception unreadable) {
                decoder = null; // count the rest as raw bytes
            }
        }
    }
}
