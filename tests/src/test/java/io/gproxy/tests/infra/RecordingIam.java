package io.gproxy.tests.infra;

import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.util.Set;
import java.util.TreeSet;

/**
 * Records the IAM actions a gateway's calls need: DynamoDB operations as the SDK names them (a transaction as the
 * actions of its items, since IAM authorises TransactWriteItems per item; a query on an index separately, since it
 * needs the index's ARN), and KMS actions as the cipher's seal/open map to them in AWS (KmsEnvelopeCipher:
 * GenerateDataKey to seal, Decrypt to open).
 */
final class RecordingIam implements ExecutionInterceptor {
    static final String INDEX = "index:";

    private final Set<String> actions = new TreeSet<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (context.request() instanceof TransactWriteItemsRequest t) {
            for (TransactWriteItem item : t.transactItems()) {
                add(item.put() != null ? "dynamodb:PutItem" : item.update() != null ? "dynamodb:UpdateItem"
                        : item.delete() != null ? "dynamodb:DeleteItem" : "dynamodb:ConditionCheckItem");
            }
        } else if (context.request() instanceof QueryRequest q && q.indexName() != null) {
            add(INDEX + "dynamodb:Query");
        } else {
            add("dynamodb:" + op);
        }
    }

    synchronized void add(String action) {
        actions.add(action);
    }

    synchronized Set<String> actions() {
        return new TreeSet<>(actions);
    }

    synchronized void clear() {
        actions.clear();
    }

    /** A cipher that records the KMS action each call would need in AWS. */
    SecretCipher cipher(SecretCipher delegate) {
        return new SecretCipher() {
            @Override
            public String seal(String plaintext, SecretContext context) {
                add("kms:GenerateDataKey");
                return delegate.seal(plaintext, context);
            }

            @Override
            public String open(String envelope, SecretContext context) {
                add("kms:Decrypt");
                return delegate.open(envelope, context);
            }
        };
    }
}
