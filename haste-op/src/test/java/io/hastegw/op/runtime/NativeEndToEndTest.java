package io.hastegw.op.runtime;

import io.hastegw.op.transform.LevelModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TransformResult;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bundled libraries of both targets run a native HASTE model inside ONNX Runtime itself,
 * driven from C through the project's own API declarations (native/test/ort_smoke.c): natively
 * for x86-64, and under qemu-user for aarch64 with ONNX Runtime's aarch64 library from its jar.
 * Both must reproduce the scores and channel counts of the Java run on this machine.
 */
class NativeEndToEndTest {
    private static final int LEVEL = 4;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"linux-x86_64, linux-x64", "linux-aarch64, linux-aarch64"})
    void theBundledLibraryRunsANativeModelInsideOnnxRuntime(String platform, String ortPlatform, @TempDir Path dir) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ModelCard card = SharedData.cifarCard("resnet20");
        ModelProto original = OnnxModels.read(SharedData.cifarModel("resnet20"));
        TransformResult t = new HasteTransformer(env).transform(original, new long[] {1, 3, 32, 32}, HasteOptions.defaults());
        HasteModelInfo info = t.info();
        Path model = dir.resolve("model.onnx");
        OnnxModels.write(LevelModel.of(original, info, info.schedule().hyperplanes()[LEVEL], LevelModel.Options.of(HasteKernel.NATIVE)), model);
        Path haste = dir.resolve("haste.onnx");
        OnnxModels.write(t.model(), haste);

        FloatTensor input = SharedData.cifarInputs(card, 1).get(0);
        HasteSession.Inference want;
        try (HasteSession session = new HasteSession(env, haste, card.output().name(), RuntimeOptions.of(1))) {
            assertEquals(HasteKernel.NATIVE, session.kernel());
            want = session.run(input, LEVEL);
        }
        Files.write(dir.resolve("input.f32"), floats(input.data()));
        Files.write(dir.resolve("want.f32"), floats(want.scores().data()));
        ByteBuffer ch = ByteBuffer.allocate(8 * want.reducedChannels().length).order(ByteOrder.LITTLE_ENDIAN);
        for (long c : want.reducedChannels()) {
            ch.putLong(c);
        }
        Files.write(dir.resolve("want.i64"), ch.array());

        Path ortLib = extract("/ai/onnxruntime/native/" + ortPlatform + "/libonnxruntime.so", dir.resolve("ort-" + platform + ".so"));
        Path hasteLib = extract("/native/" + platform + "/libhaste_ort.so", dir.resolve("haste-" + platform + ".so"));
        Path driver = Path.of("target/native-build", platform, "ort_smoke").toAbsolutePath();
        assertTrue(Files.isExecutable(driver), "built by native/build.sh: " + driver);
        List<String> cmd = new ArrayList<>();
        if (platform.endsWith("aarch64")) {
            // The aarch64 libraries and a Cortex-A72 /proc/cpuinfo and sysfs (see native/build.sh).
            cmd.addAll(List.of("qemu-aarch64", "-L", Path.of("target/native-build/qemu-root").toAbsolutePath().toString()));
        }
        cmd.addAll(List.of(driver.toString(), ortLib.toString(), hasteLib.toString(), model.toString(), card.input().name(), "1,3,32,32",
                dir.resolve("input.f32").toString(), card.output().name(), dir.resolve("want.f32").toString(),
                dir.resolve("want.i64").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "ort_smoke finished");
        String out = new String(p.getInputStream().readAllBytes());
        System.out.println(platform + ": " + out.strip().replace("\n", "; "));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ONNX Runtime 1.29.0"), out);
        assertTrue(out.contains("ok: max score difference"), out);
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static Path extract(String resource, Path to) throws Exception {
        try (InputStream in = NativeEndToEndTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, "on the class path: " + resource);
            Files.copy(in, to);
        }
        return to;
    }
}
