package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.CredentialSecretStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.util.Map;
import java.util.Optional;

/**
 * The credential rows of the {@code CFG} partition ({@code sk = credential#<id>}, the entity document in
 * {@code doc} with {@code secret_sealed}), read strongly consistently and updated by compare-and-swap: the new
 * document is written only if the stored {@code doc} attribute is still exactly the one read (which covers the
 * sealed secret and the enabled flag). The config version is not bumped.
 */
public final class DynamoCredentialSecretStore implements CredentialSecretStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Re-reads when another field of the row changed between read and write. */
    private static final int MAX_DOC_RACES = 3;

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoCredentialSecretStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    private record Row(String rawDoc, ObjectNode doc) {}

    private Optional<Row> row(long credentialId) {
        try {
            GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(credentialId)));
            if (!r.hasItem() || !r.item().containsKey("doc")) {
                return Optional.empty();
            }
            String raw = r.item().get("doc").s();
            JsonNode doc = JSON.readTree(raw);
            return doc instanceof ObjectNode o ? Optional.of(new Row(raw, o)) : Optional.empty();
        } catch (SdkException e) {
            throw new StoreUnavailableException("credential read failed", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("credential " + credentialId + " holds a malformed document", e);
        }
    }

    @Override
    public Optional<StoredSecret> read(long credentialId) {
        return row(credentialId).map(r -> new StoredSecret(credentialId, r.doc().path("secret_sealed").asText(null),
                r.doc().path("enabled").asBoolean(true)));
    }

    @Override
    public boolean compareAndSwap(long credentialId, String expectedSealed, String newSealed) {
        for (int i = 0; i < MAX_DOC_RACES; i++) {
            Optional<Row> current = row(credentialId);
            if (current.isEmpty()) {
                return false;
            }
            ObjectNode doc = current.get().doc();
            if (!doc.path("enabled").asBoolean(true) || !expectedSealed.equals(doc.path("secret_sealed").asText(null))) {
                return false;
            }
            ObjectNode updated = doc.deepCopy();
            updated.put("secret_sealed", newSealed);
            try {
                ddb.updateItem(u -> u.tableName(table).key(key(credentialId))
                        .updateExpression("SET #doc = :new")
                        .conditionExpression("#doc = :old")
                        .expressionAttributeNames(Map.of("#doc", "doc"))
                        .expressionAttributeValues(Map.of(":new", AttributeValue.fromS(updated.toString()),
                                ":old", AttributeValue.fromS(current.get().rawDoc()))));
                return true;
            } catch (ConditionalCheckFailedException raced) {
                // the row changed between read and write: look again
            } catch (SdkException e) {
                throw new StoreUnavailableException("credential write failed", e);
            }
        }
        return false;
    }

    private static Map<String, AttributeValue> key(long credentialId) {
        return Map.of(DynamoTable.PK, AttributeValue.fromS(DynamoConfigStore.PARTITION),
                DynamoTable.SK, AttributeValue.fromS(EntityType.CREDENTIAL.itemName() + "#" + credentialId));
    }
}
