package io.github.wecomkit.suite;

import io.github.wecomkit.callback.CallbackDeduplicator;
import io.github.wecomkit.callback.CallbackEvent;
import io.github.wecomkit.callback.CallbackException;
import io.github.wecomkit.callback.CallbackGuard;
import io.github.wecomkit.callback.CancelAuthEvent;
import io.github.wecomkit.callback.ChangeAuthEvent;
import io.github.wecomkit.callback.CreateAuthEvent;
import io.github.wecomkit.callback.SuiteTicketEvent;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.internal.DaemonExecutors;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles what WeCom posts to a suite's callback URLs: the commands on the command URL (指令回调: {@code suite_ticket},
 * {@code create_auth}, {@code change_auth}, {@code cancel_auth}) and the events of the authorised corps on the data
 * URL (数据回调), each verified and decrypted by a {@link WeComCallback}, handled once across a fleet by a
 * {@link CallbackGuard}, and answered within WeCom's limits.
 *
 * <pre>{@code
 * SuiteCallbackHandler handler = SuiteCallbackHandler.builder()
 *         .suite(suite)
 *         .callback(WeComCallback.builder().token(token).encodingAesKey(aesKey)
 *                 .receiveIds(suite.suiteId()).moreReceiveIds(suite::isAuthorized).build())
 *         .guard(RedisCallbackGuard.create(redisUri))       // one fleet, each command handled once
 *         .onInstalled(installed -> tenants.create(installed.corpId()))
 *         .onCancelled(corpId -> tenants.scheduleDeletion(corpId))
 *         .onEvent(event -> events.record(event))
 *         .build();
 *
 * // GET  ?msg_signature=&timestamp=&nonce=&echostr=  -> 200 with handler.verifyUrl(...)
 * // POST ?msg_signature=&timestamp=&nonce=           -> 200 with handler.handle(...) as the body
 * }</pre>
 *
 * <p>What happens to each command, and when the answer goes out:
 * <ul>
 *   <li>{@code suite_ticket}: stored at once ({@link SuiteClient#saveTicket}), before answering; a ticket of
 *       another suite is refused.</li>
 *   <li>{@code create_auth}: answered at once (WeCom allows one second), then the auth code is exchanged for the
 *       permanent code on the executor ({@link SuiteClient#install(String)}) and
 *       {@link Builder#onInstalled(Consumer)} is told.</li>
 *   <li>{@code change_auth}: answered at once, then {@link SuiteClient#authInfo(String)} is read on the executor
 *       and given to {@link Builder#onAuthChanged(Consumer)}.</li>
 *   <li>{@code cancel_auth}: the corp's code and tokens are dropped at once ({@link SuiteClient#removeCorp}),
 *       then {@link Builder#onCancelled(Consumer)} is told on the executor.</li>
 *   <li>anything else (data events, other commands): given to {@link Builder#onEvent(Consumer)} on the
 *       executor.</li>
 * </ul>
 * A command is answered {@code success} (WeCom's rule), a data event with an empty body. A duplicate (WeCom's
 * retry, on this instance or another one sharing the guard) is answered the same way and not handled again. When
 * the synchronous part fails (the ticket store is down), the guard forgets the callback and the exception
 * propagates, so the endpoint answers an error and WeCom's retry is handled. A failure in the asynchronous part goes
 * to {@link Builder#onFailure(BiConsumer)}. Thread-safe.
 */
public final class SuiteCallbackHandler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SuiteCallbackHandler.class);

    /** WeCom's required answer to a command. */
    public static final String SUCCESS = "success";

    private final SuiteClient suite;
    private final WeComCallback callback;
    private final CallbackGuard guard;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final Consumer<Installation> onInstalled;
    private final Consumer<AuthInfo> onAuthChanged;
    private final Consumer<String> onCancelled;
    private final Consumer<CallbackEvent> onEvent;
    private final BiConsumer<CallbackEvent, RuntimeException> onFailure;

    private SuiteCallbackHandler(Builder b) {
        this.suite = b.suite;
        this.callback = b.callback;
        this.guard = b.guard != null ? b.guard : CallbackDeduplicator.create();
        this.ownedExecutor = b.executor == null ? DaemonExecutors.pool("wecomkit-suite-callback", 2) : null;
        this.executor = b.executor != null ? b.executor : ownedExecutor;
        this.onInstalled = b.onInstalled;
        this.onAuthChanged = b.onAuthChanged;
        this.onCancelled = b.onCancelled;
        this.onEvent = b.onEvent;
        this.onFailure = b.onFailure != null ? b.onFailure : SuiteCallbackHandler::logFailure;
    }

    /** @return a builder; {@code suite} and {@code callback} are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Answers WeCom's URL verification (a GET when the URL is saved in the provider console): respond 200 with
     * the returned text as the whole body, within a second.
     *
     * @param msgSignature the {@code msg_signature} query parameter, URL-decoded
     * @param timestamp    the {@code timestamp} query parameter
     * @param nonce        the {@code nonce} query parameter
     * @param echostr      the {@code echostr} query parameter, URL-decoded
     * @return the decrypted echo string
     * @throws CallbackException if the request is not WeCom's (answer 400)
     */
    public String verifyUrl(String msgSignature, String timestamp, String nonce, String echostr) {
        return callback.verifyUrl(msgSignature, timestamp, nonce, echostr);
    }

    /**
     * Verifies, decrypts and handles one POSTed callback.
     *
     * @param msgSignature the {@code msg_signature} query parameter, URL-decoded
     * @param timestamp    the {@code timestamp} query parameter
     * @param nonce        the {@code nonce} query parameter
     * @param body         the request body (WeCom's encrypted XML envelope)
     * @return the body to answer with status 200: {@value #SUCCESS} for a command, {@code ""} for a data event
     * @throws CallbackException if the request is not WeCom's (answer 400)
     * @throws WeComException    if storing a ticket or dropping a cancelled corp failed (answer 500: WeCom
     *                           retries, and the retry is handled)
     */
    public String handle(String msgSignature, String timestamp, String nonce, String body) {
        CallbackEvent event = callback.decrypt(msgSignature, timestamp, nonce, body);
        boolean command = event.field("InfoType").isPresent();
        String answer = command ? SUCCESS : "";
        // Across corps on one data URL, two members with one userid may act in the same second: the receiver
        // is part of the key.
        String key = event.field("ToUserName").map(String::strip).orElse(suite.suiteId()) + "|"
                + CallbackDeduplicator.keyOf(event);
        if (command && !event.field("SuiteId").map(String::strip).orElse("").equals(suite.suiteId())) {
            LOG.warn("ignored a command of another suite: expected suiteId={}, got suiteId={}, infoType={}",
                    suite.suiteId(), event.field("SuiteId").orElse(""), event.field("InfoType").orElse(""));
            return answer;
        }
        if (!guard.firstSeen(key)) {
            LOG.debug("callback handled already (a retry): {}", event);
            return answer;
        }
        try {
            route(event);
        } catch (RuntimeException e) {
            guard.forget(key);
            throw e;
        }
        return answer;
    }

    private void route(CallbackEvent event) {
        if (event instanceof SuiteTicketEvent t) {
            suite.saveTicket(t);
        } else if (event instanceof CreateAuthEvent a) {
            later(event, () -> {
                Installation installed = suite.install(a.authCode());
                if (onInstalled != null) {
                    onInstalled.accept(installed);
                }
            });
        } else if (event instanceof ChangeAuthEvent c) {
            later(event, () -> {
                AuthInfo info = suite.authInfo(c.authCorpId());
                if (onAuthChanged != null) {
                    onAuthChanged.accept(info);
                }
            });
        } else if (event instanceof CancelAuthEvent c) {
            suite.removeCorp(c.authCorpId());
            if (onCancelled != null) {
                later(event, () -> onCancelled.accept(c.authCorpId()));
            }
        } else if (onEvent != null) {
            later(event, () -> onEvent.accept(event));
        }
    }

    private void later(CallbackEvent event, Runnable work) {
        Runnable guarded = () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                onFailure.accept(event, e);
            }
        };
        try {
            executor.execute(guarded);
        } catch (RejectedExecutionException e) {
            guarded.run(); // an executor that refuses work must not lose a command: do it now, answer late
        }
    }

    private static void logFailure(CallbackEvent event, RuntimeException e) {
        LOG.warn("handling a suite callback failed: event={}, error={}: {}", event, e.getClass().getSimpleName(),
                e instanceof WeComException ? e.getMessage() : "(see the application's onFailure)");
    }

    /** Stops the handler's own executor (if it made one); asynchronous work in progress is not waited for. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    /** @return the suite id; never the callback Token or key */
    @Override
    public String toString() {
        return "SuiteCallbackHandler{suiteId=" + suite.suiteId() + ", guard=" + guard.getClass().getSimpleName() + "}";
    }

    /**
     * Configures a {@link SuiteCallbackHandler}.
     *
     * <pre>{@code
     * SuiteCallbackHandler.builder().suite(suite).callback(callback).executor(myExecutor)
     *         .onInstalled(i -> ...).onFailure((event, e) -> alerts.send(event, e)).build();
     * }</pre>
     */
    public static final class Builder {
        private SuiteClient suite;
        private WeComCallback callback;
        private CallbackGuard guard;
        private Executor executor;
        private Consumer<Installation> onInstalled;
        private Consumer<AuthInfo> onAuthChanged;
        private Consumer<String> onCancelled;
        private Consumer<CallbackEvent> onEvent;
        private BiConsumer<CallbackEvent, RuntimeException> onFailure;

        private Builder() {
        }

        /**
         * @param suite the suite the commands are for; required
         * @return this builder
         */
        public Builder suite(SuiteClient suite) {
            this.suite = Objects.requireNonNull(suite, "suite == null");
            return this;
        }

        /**
         * @param callback verifies and decrypts with the suite's Token and EncodingAESKey; its receive ids must
         *                 include the suite id (and, for the data URL, the authorised corps:
         *                 {@code moreReceiveIds(suite::isAuthorized)}); required
         * @return this builder
         */
        public Builder callback(WeComCallback callback) {
            this.callback = Objects.requireNonNull(callback, "callback == null");
            return this;
        }

        /**
         * @param guard remembers handled callbacks; an in-process {@link CallbackDeduplicator} by default, a shared
         *              one ({@code RedisCallbackGuard}) for a fleet
         * @return this builder
         */
        public Builder guard(CallbackGuard guard) {
            this.guard = Objects.requireNonNull(guard, "guard == null");
            return this;
        }

        /**
         * @param executor where the work after the answer runs; by default two daemon threads of the handler's own
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor == null");
            return this;
        }

        /**
         * @param onInstalled told after a {@code create_auth}'s permanent code was fetched and stored
         * @return this builder
         */
        public Builder onInstalled(Consumer<Installation> onInstalled) {
            this.onInstalled = Objects.requireNonNull(onInstalled, "onInstalled == null");
            return this;
        }

        /**
         * @param onAuthChanged told the corp's new authorisation after a {@code change_auth}
         * @return this builder
         */
        public Builder onAuthChanged(Consumer<AuthInfo> onAuthChanged) {
            this.onAuthChanged = Objects.requireNonNull(onAuthChanged, "onAuthChanged == null");
            return this;
        }

        /**
         * @param onCancelled told the corp id after a {@code cancel_auth} (its code and tokens are gone already):
         *                    delete the corp's data here
         * @return this builder
         */
        public Builder onCancelled(Consumer<String> onCancelled) {
            this.onCancelled = Objects.requireNonNull(onCancelled, "onCancelled == null");
            return this;
        }

        /**
         * @param onEvent gets every other callback: the corps' data events, and commands wecomkit has no type for
         * @return this builder
         */
        public Builder onEvent(Consumer<CallbackEvent> onEvent) {
            this.onEvent = Objects.requireNonNull(onEvent, "onEvent == null");
            return this;
        }

        /**
         * @param onFailure told when the work after the answer failed (e.g. the auth code was refused); by default
         *                  a warning is logged
         * @return this builder
         */
        public Builder onFailure(BiConsumer<CallbackEvent, RuntimeException> onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure == null");
            return this;
        }

        /**
         * @return the handler
         * @throws IllegalStateException if the suite or the callback is missing, or the callback does not accept
         *                               the suite id
         */
        public SuiteCallbackHandler build() {
            if (suite == null) {
                throw new IllegalStateException("suite is required");
            }
            if (callback == null) {
                throw new IllegalStateException("callback is required: a WeComCallback with the suite's Token and"
                        + " EncodingAESKey");
            }
            if (!callback.receiveIds().contains(suite.suiteId())) {
                throw new IllegalStateException("the callback's receive ids " + callback.receiveIds() + " lack the"
                        + " suite id " + suite.suiteId() + ": commands are addressed to it");
            }
            return new SuiteCallbackHandler(this);
        }
    }
}
