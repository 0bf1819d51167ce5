package io.hastegw.daemon.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one camera-id rule: characters counted as code points, MQTT's reserved characters refused. */
class CameraIdTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "yard|NULL",
        "|EMPTY",
        "NULL|EMPTY",
        "a/b|RESERVED_CHARACTER",
        "a+b|RESERVED_CHARACTER",
        "a#b|RESERVED_CHARACTER",
        "abcdef|TOO_LONG",
        "\uD83D\uDCF7\uD83D\uDCF7\uD83D\uDCF7\uD83D\uDCF7\uD83D\uDCF7|NULL",
    })
    void anIdIsCheckedAgainstTheRule(String id, String problem) {
        assertEquals(Optional.ofNullable(problem).map(CameraId.Problem::valueOf), CameraId.problem(id, 5));
    }

    @ParameterizedTest
    @CsvSource({"abc,3", "\uD83D\uDCF7\uD83D\uDCF7,2"})
    void lengthCountsCodePointsNotUtf16Units(String id, int length) {
        assertEquals(length, CameraId.length(id));
    }
}
