package io.gproxy.tests.billing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Counts DynamoDB calls by operation and sums the capacity the responses report. */
final class DynamoCallCounter implements ExecutionInterceptor {
    static final Set<String> READS = Set.of("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems");
    static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");

    private final Map<String, Integer> calls = new TreeMap<>();
    private double readUnits;
    private double writeUnits;

    @Override
    public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
        SdkResponse r = context.response();
        List<ConsumedCapacity> cc = switch (r) {
            case TransactWriteItemsResponse t -> t.consumedCapacity();
            case UpdateItemResponse u -> u.consumedCapacity() == null ? List.of() : List.of(u.consumedCapacity());
            case GetItemResponse g -> g.consumedCapacity() == null ? List.of() : List.of(g.consumedCapacity());
            case QueryResponse q -> q.consumedCapacity() == null ? List.of() : List.of(q.consumedCapacity());
            default -> List.of();
        };
        for (ConsumedCapacity c : cc) {
            if (c.writeCapacityUnits() != null) {
                writeUnits += c.writeCapacityUnits();
            }
            if (c.readCapacityUnits() != null) {
                readUnits += c.readCapacityUnits();
            }
            if (c.writeCapacityUnits() == null && c.readCapacityUnits() == null && c.capacityUnits() != null) {
                writeUnits += c.capacityUnits();
            }
        }
    }

    synchronized void reset() {
        calls.clear();
        readUnits = 0;
        writeUnits = 0;
    }

    synchronized Map<String, Integer> calls() {
        return Map.copyOf(calls);
    }

    synchronized int reads() {
        return calls.entrySet().stream().filter(e -> READS.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }

    synchronized int writes() {
        return calls.entrySet().stream().filter(e -> WRITES.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }

    synchronized double readUnits() {
        return readUnits;
    }

    synchronized double writeUnits() {
        return writeUnits;
    }
}
