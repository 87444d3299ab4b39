package io.gproxy.store.dynamodb;

import io.gproxy.store.CounterRefusedException;
import io.gproxy.store.CounterStore;
import io.gproxy.store.CounterUpdate;
import io.gproxy.store.StoreUnavailableException;
import io.gproxy.store.StoredRecord;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counters in the single table (DESIGN §5, spec/aws.md D5). A reservation is ONE {@code TransactWriteItems}: a
 * reservation marker {@code pk=RES#<request id>, sk=RES} (put if absent, TTL) plus one conditional
 * {@code UpdateItem} per counter ({@code ADD} with {@code attribute_not_exists(a) OR a <= :bound}); a reservation
 * of the marker alone is one conditional {@code PutItem}. The {@code ClientRequestToken} (the request id) makes the
 * SDK's own retries of the transaction idempotent, since {@code ADD} is not.
 *
 * <p>A settlement is ONE conditional write that decides it exactly once, then the settled amounts as plain
 * {@code ADD}s (see {@link #applyCounters}): the usage record put if absent (it is keyed by the request), or, without
 * a record, the reservation marker deleted on condition it exists (or a settlement marker {@code pk=STL#<request id>}
 * put if absent when nothing was reserved). Single-item writes cost half the write units of a transaction item.
 *
 * <p>Concurrent transactions on the same item are refused by DynamoDB with {@code TransactionConflict}; those are
 * retried here with jittered backoff and a fresh token (the marker still guarantees at most one application).
 */
public final class DynamoCounterStore implements CounterStore {
    public static final String RESERVATION_PREFIX = "RES#";
    public static final String SETTLED_PREFIX = "STL#";
    private static final int RESERVE_ATTEMPTS = 8;
    private static final int SETTLE_ATTEMPTS = 12;

    private final DynamoDbClient ddb;
    private final String table;
    private final CounterBatcher batcher = new CounterBatcher(this::writeSettled);

    public DynamoCounterStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public void reserve(String requestId, List<CounterUpdate> updates, long markerTtl) throws CounterRefusedException {
        if (updates.isEmpty()) {
            // only the marker (a user without limits): one conditional put, half the write units of a transaction
            Map<String, AttributeValue> marker = Map.of(DynamoTable.PK, s(RESERVATION_PREFIX + requestId),
                    DynamoTable.SK, s("RES"), DynamoTable.TTL, n(markerTtl));
            try {
                ddb.putItem(p -> p.tableName(table).item(marker).conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            } catch (ConditionalCheckFailedException landed) {
                // an earlier attempt of this very call (an SDK retry) put it
            } catch (SdkException e) {
                throw new StoreUnavailableException("counter reservation failed", e);
            }
            return;
        }
        List<TransactWriteItem> items = new ArrayList<>(updates.size() + 1);
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(DynamoTable.PK, s(RESERVATION_PREFIX + requestId), DynamoTable.SK, s("RES"),
                        DynamoTable.TTL, n(markerTtl)))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))).build());
        for (CounterUpdate u : updates) {
            items.add(TransactWriteItem.builder().update(update(u)).build());
        }
        for (int attempt = 0; ; attempt++) {
            String token = token(requestId, "reserve", attempt);
            try {
                ddb.transactWriteItems(t -> t.transactItems(items).clientRequestToken(token)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                return;
            } catch (TransactionCanceledException e) {
                int failed = firstConditionFailure(e);
                if (failed == 0) {
                    return; // our own marker exists: an earlier attempt of this very call went through
                }
                if (failed > 0) {
                    throw new CounterRefusedException(failed - 1);
                }
                if (!conflict(e) || attempt + 1 >= RESERVE_ATTEMPTS) {
                    throw new StoreUnavailableException("counter reservation failed", e);
                }
                backoff(attempt);
            } catch (SdkException e) {
                throw new StoreUnavailableException("counter reservation failed", e);
            }
        }
    }

    @Override
    public boolean settle(String requestId, boolean reserved, List<CounterUpdate> updates, List<StoredRecord> records,
                          long markerTtl) {
        if (records.size() == 1) {
            // The usage record is keyed by the request (its start time and id), so putting it if absent is itself
            // the exactly-once guard: one conditional PutItem instead of a transaction of marker and record (half
            // the write units, no transaction to conflict). The reservation marker, if any, just expires.
            Map<String, AttributeValue> item = item(records.get(0));
            boolean applied = writeOnce("settlement", () -> ddb.putItem(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            if (applied) {
                applyCounters(requestId, updates);
            }
            return applied;
        }
        if (records.isEmpty()) {
            // no usage record (a release, or enable_usage off): the marker alone decides, in one conditional write
            boolean applied = reserved
                    ? writeOnce("settlement", () -> ddb.deleteItem(d -> d.tableName(table)
                            .key(Map.of(DynamoTable.PK, s(RESERVATION_PREFIX + requestId), DynamoTable.SK, s("RES")))
                            .conditionExpression("attribute_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
                    : writeOnce("settlement", () -> ddb.putItem(p -> p.tableName(table)
                            .item(Map.of(DynamoTable.PK, s(SETTLED_PREFIX + requestId), DynamoTable.SK, s("STL"),
                                    DynamoTable.TTL, n(markerTtl)))
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            if (applied) {
                applyCounters(requestId, updates);
            }
            return applied;
        }
        List<TransactWriteItem> items = new ArrayList<>(updates.size() + records.size() + 1);
        if (reserved) {
            items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                    .key(Map.of(DynamoTable.PK, s(RESERVATION_PREFIX + requestId), DynamoTable.SK, s("RES")))
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))).build());
        } else {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table)
                    .item(Map.of(DynamoTable.PK, s(SETTLED_PREFIX + requestId), DynamoTable.SK, s("STL"),
                            DynamoTable.TTL, n(markerTtl)))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))).build());
        }
        for (StoredRecord r : records) {
            Map<String, AttributeValue> item = item(r);
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))).build());
        }
        for (int attempt = 0; ; attempt++) {
            try {
                // No ClientRequestToken here: a replay would succeed without evaluating the marker's condition, and
                // the counters below would be applied twice. The marker alone decides which settlement applies.
                ddb.transactWriteItems(t -> t.transactItems(items)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                applyCounters(requestId, updates);
                return true;
            } catch (TransactionCanceledException e) {
                if (firstConditionFailure(e) >= 0) {
                    return false; // marker gone (or record present): settled before
                }
                if (!conflict(e) || attempt + 1 >= SETTLE_ATTEMPTS) {
                    throw new StoreUnavailableException("settlement failed", e);
                }
                backoff(attempt);
            } catch (IdempotentParameterMismatchException e) {
                return false; // this request id settled within the last ten minutes, with other figures: keep those
            } catch (SdkException e) {
                // If an earlier try did land, the marker's condition refuses the retry and nothing applies twice.
                if (!retryable(e) || attempt + 1 >= SETTLE_ATTEMPTS) {
                    throw new StoreUnavailableException("settlement failed", e);
                }
                backoff(attempt);
            }
        }
    }

    private static Map<String, AttributeValue> item(StoredRecord r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoTable.PK, s(r.pk()));
        item.put(DynamoTable.SK, s(r.sk()));
        r.attributes().forEach((k, v) -> item.put(k, value(v)));
        return item;
    }

    /**
     * One conditional write that decides a settlement: true when it applied, false when its condition failed (settled
     * before). Dropped connections and 5xx are retried: if an earlier try did land, the condition refuses the retry
     * and nothing applies twice (the counters then stay as reserved: the safe side). Client errors are not retried.
     */
    private boolean writeOnce(String what, Runnable write) {
        for (int attempt = 0; ; attempt++) {
            try {
                write.run();
                return true;
            } catch (ConditionalCheckFailedException e) {
                return false;
            } catch (SdkException e) {
                if (!retryable(e) || attempt + 1 >= SETTLE_ATTEMPTS) {
                    throw new StoreUnavailableException(what + " failed", e);
                }
                backoff(attempt);
            }
        }
    }

    /**
     * The settled amounts, each an atomic {@code ADD} of its own. They stay out of the settlement's transaction on
     * purpose: budget windows, rollups and credential totals are shared by every concurrent request, and DynamoDB
     * cancels concurrent transactions that touch the same item ({@code TransactionConflict}), while plain updates of
     * one item simply serialise. The transaction's marker already made this settlement the only one; if the process
     * dies before these land, a budget keeps the reservation's (larger) estimate: it errs towards refusing.
     */
    private void applyCounters(String requestId, List<CounterUpdate> updates) {
        batcher.apply(updates);
    }

    /** One settled item's {@code ADD}, retried; a write that keeps failing is logged and dropped (safe side). */
    private void writeSettled(CounterUpdate u) {
        Update up = update(u);
        for (int attempt = 0; ; attempt++) {
            try {
                ddb.updateItem(r -> r.tableName(table).key(up.key()).updateExpression(up.updateExpression())
                        .expressionAttributeNames(up.expressionAttributeNames())
                        .expressionAttributeValues(up.expressionAttributeValues())
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                return;
            } catch (SdkException e) {
                if (attempt + 1 >= SETTLE_ATTEMPTS) {
                    System.err.println("{\"level\":\"error\",\"msg\":\"settled counter not updated\",\"item\":\""
                            + u.pk() + "|" + u.sk() + "\"}");
                    return;
                }
                backoff(attempt);
            }
        }
    }

    @Override
    public boolean tryUpdate(CounterUpdate u) {
        Update up = update(u);
        try {
            ddb.updateItem(r -> r.tableName(table).key(up.key()).updateExpression(up.updateExpression())
                    .conditionExpression(up.conditionExpression())
                    .expressionAttributeNames(up.expressionAttributeNames())
                    .expressionAttributeValues(up.expressionAttributeValues())
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new StoreUnavailableException("counter update failed", e);
        }
    }

    @Override
    public Map<String, Long> read(String pk, String sk) {
        try {
            var r = ddb.getItem(g -> g.tableName(table).consistentRead(true)
                    .key(Map.of(DynamoTable.PK, s(pk), DynamoTable.SK, s(sk))));
            Map<String, Long> out = new HashMap<>();
            if (r.hasItem()) {
                r.item().forEach((k, v) -> {
                    if (v.n() != null && !k.equals(DynamoTable.TTL)) {
                        out.put(k, new BigDecimal(v.n()).longValue());
                    }
                });
            }
            return out;
        } catch (SdkException e) {
            throw new StoreUnavailableException("counter read failed", e);
        }
    }

    /** {@code ADD} amounts, {@code SET} ttl and once-attributes if absent, bounds as the condition. */
    private Update update(CounterUpdate u) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Long> e : u.add().entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":a" + i, n(e.getValue()));
            adds.add("#a" + i + " :a" + i);
            i++;
        }
        if (u.ttl() != null) {
            names.put("#ttl", DynamoTable.TTL);
            values.put(":ttl", n(u.ttl()));
            sets.add("#ttl = if_not_exists(#ttl, :ttl)");
        }
        i = 0;
        for (Map.Entry<String, String> e : u.setOnce().entrySet()) {
            names.put("#s" + i, e.getKey());
            values.put(":s" + i, s(e.getValue()));
            sets.add("#s" + i + " = if_not_exists(#s" + i + ", :s" + i + ")");
            i++;
        }
        StringBuilder expr = new StringBuilder();
        if (!adds.isEmpty()) {
            expr.append("ADD ").append(String.join(", ", adds));
        }
        if (!sets.isEmpty()) {
            expr.append(expr.isEmpty() ? "" : " ").append("SET ").append(String.join(", ", sets));
        }
        List<String> conds = new ArrayList<>();
        i = 0;
        for (Map.Entry<String, Long> e : u.atMost().entrySet()) {
            String name = names.entrySet().stream().filter(x -> x.getValue().equals(e.getKey()))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (name == null) {
                name = "#c" + i;
                names.put(name, e.getKey());
            }
            values.put(":c" + i, n(e.getValue()));
            conds.add("(attribute_not_exists(" + name + ") OR " + name + " <= :c" + i + ")");
            i++;
        }
        Update.Builder b = Update.builder().tableName(table)
                .key(Map.of(DynamoTable.PK, s(u.pk()), DynamoTable.SK, s(u.sk())))
                .updateExpression(expr.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values);
        if (!conds.isEmpty()) {
            b.conditionExpression(String.join(" AND ", conds));
        }
        return b.build();
    }

    /** Index of the first item whose condition failed, or -1. */
    private static int firstConditionFailure(TransactionCanceledException e) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        for (int i = 0; i < reasons.size(); i++) {
            if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The connection failed (a pooled keep-alive connection the server had closed, a reset) or the service had an
     * internal error: worth another try. Client errors (4xx) are not.
     */
    private static boolean retryable(SdkException e) {
        return e instanceof software.amazon.awssdk.core.exception.SdkClientException
                || e instanceof software.amazon.awssdk.services.dynamodb.model.DynamoDbException d && d.statusCode() >= 500;
    }

    private static boolean conflict(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream()
                .anyMatch(r -> "TransactionConflict".equals(r.code()) || "ThrottlingError".equals(r.code()));
    }

    private static void backoff(int attempt) {
        long cap = Math.min(200, 5L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while retrying a counter write", null);
        }
    }

    /** At most 36 characters, stable per (request, purpose, attempt). */
    private static String token(String requestId, String purpose, int attempt) {
        return UUID.nameUUIDFromBytes((requestId + "#" + purpose + "#" + attempt).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue value(Object v) {
        if (v instanceof String str) {
            return s(str);
        }
        if (v instanceof BigDecimal d) {
            return AttributeValue.fromN(d.toPlainString());
        }
        if (v instanceof Number num) {
            return AttributeValue.fromN(Long.toString(num.longValue()));
        }
        if (v instanceof Boolean bool) {
            return AttributeValue.fromBool(bool);
        }
        throw new IllegalArgumentException("unsupported attribute value " + v.getClass());
    }
}
