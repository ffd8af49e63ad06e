package io.crier.gateway.fleet;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.ControlListener;
import io.crier.protocol.FleetControlCodec;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node hears on the control channel: an action another node took is applied to this node's sessions
 * ({@link LocalActions}) and answered with the count of sessions reached (an action this node took was applied
 * here already, by {@link FleetActions}); an answer to an action this node took
 * goes to its {@link PendingAnswers}. When the subscription (re)starts, the revocations are reloaded, since
 * messages sent meanwhile were missed. A message that is neither (Redis lets anything publish on the channel) is
 * dropped.
 *
 * <p>Thread-safe; called on the control channel's thread; never blocks.
 */
final class ControlReceiver implements ControlListener {

    private static final Logger log = LoggerFactory.getLogger(ControlReceiver.class);

    private final String nodeId;
    private final FleetControlCodec codec = new FleetControlCodec();
    private final LocalActions local;
    private final PendingAnswers answers;
    private final RevocationCache revocations;
    private volatile ControlChannel channel;

    ControlReceiver(String nodeId, LocalActions local, PendingAnswers answers, RevocationCache revocations) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.local = Objects.requireNonNull(local, "local");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
    }

    /** Starts hearing {@code control}, on which this node also answers. */
    void listen(ControlChannel control) {
        this.channel = Objects.requireNonNull(control, "control");
        control.start(this);
    }

    @Override
    public void message(byte[] message) {
        FleetControlCodec.Control control = codec.decodeControl(message);
        if (control instanceof FleetControlCodec.Control.Reached reached) {
            answers.answer(reached.request(), reached.node(), reached.sessions());
        } else if (control instanceof FleetControlCodec.Control.Take take && !nodeId.equals(take.node())) {
            long sessions = local.apply(take.action());
            channel.send(codec.encodeReached(take.request(), nodeId, sessions)).whenComplete((sent, failure) -> {
                if (failure != null) {
                    // The taking node then answers without this node's count, when its timeout passes.
                    log.debug("could not answer control request {}", take.request(), failure);
                }
            });
        } else if (control == null) {
            log.debug("dropped a control message that no node wrote ({} bytes)", message.length);
        }
    }

    @Override
    public void resubscribed() {
        revocations.reload();
    }
}
