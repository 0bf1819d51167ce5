package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.LoadSignals;
import io.hastegw.pluginhost.ApiWire;
import io.hastegw.pluginhost.Link;
import io.hastegw.pluginhost.Op;
import io.hastegw.pluginhost.Wire;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compression policies of a process-isolated plugin. The control loop creates and judges them on the gateway's
 * event loop, which must not wait for a host: {@link #create} returns at once, the host's {@code create} runs from a
 * thread of this factory's and the policy holds ("being created") until it answered; each judgement sends the period's signals to the host from a thread of this factory's and
 * returns the host's answer to the previous request (so a remote policy's verdict is one sampling period late). While
 * a request is unanswered (a slow or restarting host) no other is sent and the last verdict stands; a failed one is
 * logged and judged {@code HOLD} with the failure as its reason. Each policy has an id of the gateway's, so a restarted
 * host re-creates it on its next judgement.
 */
final class RemotePolicies implements CompressionPolicy.Factory {
    private static final Logger LOG = LoggerFactory.getLogger(RemotePolicies.class);
    private final RemoteStages.Remote remote;
    private final AtomicInteger ids = new AtomicInteger();
    /** At most one thread, ended when idle: a plugin that is closed leaves none behind. */
    private final ThreadPoolExecutor asks;

    RemotePolicies(RemoteStages.Remote remote) {
        this.remote = remote;
        this.asks = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "plugin-policy-" + remote.key());
            t.setDaemon(true);
            return t;
        });
        asks.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompressionPolicy create(CompressionPolicy.Targets targets) {
        int id = ids.incrementAndGet();
        Link.Body which = out -> {
            out.writeInt(id);
            ApiWire.targets(out, targets);
        };
        CompletableFuture<String> created = CompletableFuture.supplyAsync(() -> remote.unrejected(Op.POLICY_CREATE, which, Wire::string), asks);
        return new Policy(remote.key().substring(remote.key().indexOf(':') + 1), which, created);
    }

    /** One policy; judged on the event loop only (its fields are that thread's). */
    private final class Policy implements CompressionPolicy {
        private final String name;
        private final Link.Body which;
        private CompletableFuture<Assessment> pending;
        private Assessment last;

        /** {@code created}: the host's {@code create}; judgements are sent once it has answered (or failed: a new host re-creates it). */
        Policy(String name, Link.Body which, CompletableFuture<String> created) {
            this.name = name;
            this.which = which;
            Assessment first = new Assessment(Pressure.HOLD, "waiting for the first judgement of policy '" + name + "' from its plugin host",
                    Double.NaN, false);
            this.last = new Assessment(Pressure.HOLD, "policy '" + name + "' is being created in its plugin host", Double.NaN, false);
            this.pending = created.thenApply(n -> first);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Assessment assess(LoadSignals signals) {
            if (pending != null && pending.isDone()) {
                last = answer(pending);
                pending = null;
            }
            if (pending == null) {
                pending = CompletableFuture.supplyAsync(() -> remote.unrejected(Op.POLICY_ASSESS, out -> {
                    which.write(out);
                    ApiWire.signals(out, signals);
                }, ApiWire::assessment), asks);
            }
            return last;
        }

        private Assessment answer(CompletableFuture<Assessment> done) {
            try {
                Assessment a = done.join();
                return a == null ? held("it returned null") : a;
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.warn("policy '{}' in its plugin host failed: {}", name, cause.getMessage());
                return held(cause.getMessage());
            }
        }

        private Assessment held(String why) {
            return new Assessment(Pressure.HOLD, "policy '" + name + "' in its plugin host failed (" + why + "): holding", Double.NaN, false);
        }
    }
}
