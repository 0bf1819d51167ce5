package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.daemon.inference.CameraStreams;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.ReusePolicy;
import io.hastegw.op.runtime.RuntimeOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The camera registry under concurrency: frames of several cameras on several threads while the budget evicts states. */
class CameraStreamsTest {
    @Test
    void framesOfManyCamerasOnManyThreadsWhileTheBudgetEvictsNeverDeadlockAndAllCount() throws Exception {
        ModelCard card = ModelCard.read(TestModels.resnet20Card());
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> frames = List.of(pre.load(TestModels.cifar("cat", 0)), pre.load(TestModels.cifar("ship", 2)));
        try (HasteSession session = new HasteSession(OrtEnvironment.getEnvironment(), TestModels.hasteResNet20(), "logits", RuntimeOptions.of(1))) {
            long oneCamera;
            try (CameraStreams probe = new CameraStreams(ReusePolicy.DEFAULT, Long.MAX_VALUE, System::nanoTime)) {
                probe.run(session, "probe", frames.get(0), 3);
                oneCamera = probe.bytes();
            }
            long budget = oneCamera * 3 / 2;
            try (CameraStreams streams = new CameraStreams(ReusePolicy.DEFAULT, budget, System::nanoTime)) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                        List<Future<?>> runs = new ArrayList<>();
                        for (int i = 0; i < 120; i++) {
                            String camera = "cam" + i % 3;
                            FloatTensor frame = frames.get(i / 3 % 2 == 0 ? 0 : 1);
                            runs.add(pool.submit(() -> streams.run(session, camera, frame, 3)));
                        }
                        for (Future<?> r : runs) {
                            r.get();
                        }
                    });
                } finally {
                    pool.shutdownNow();
                }
                Map<String, Object> status = streams.status();
                assertEquals(120L, status.get("frames"));
                @SuppressWarnings("unchecked")
                long refreshed = ((Map<String, Object>) status.get("refreshes")).values().stream().mapToLong(v -> (Long) v).sum();
                assertEquals(120L, (Long) status.get("reused") + refreshed);
                assertTrue((Long) status.get("evictions") > 0, "three cameras in a budget of one and a half: " + status);
                assertTrue(streams.bytes() <= budget, streams.bytes() + " bytes kept, budget " + budget);
                assertTrue(streams.cameras() <= 1);
            }
        }
    }

    @Test
    void framesOfALevelThatRunsDenseLeaveNoEntryHoweverManyCameraIdsArrive() throws Exception {
        FloatTensor frame = new Preprocessor(ModelCard.read(TestModels.resnet20Card())).load(TestModels.cifar("cat", 0));
        try (HasteSession session = new HasteSession(OrtEnvironment.getEnvironment(), TestModels.hasteResNet20(), "logits", RuntimeOptions.of(1));
             CameraStreams streams = new CameraStreams(ReusePolicy.DEFAULT, Long.MAX_VALUE, System::nanoTime)) {
            for (int i = 0; i < 50; i++) {
                streams.run(session, "id-" + i, frame, 0);
            }
            assertEquals(0, streams.entries());
            assertEquals(0L, streams.status().get("frames"), "dense frames are not stream frames");
            streams.run(session, "id-0", frame, 3);
            assertEquals(1, streams.entries());
        }
    }
}
