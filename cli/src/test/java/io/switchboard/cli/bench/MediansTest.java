package io.switchboard.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediansTest {
  @Test
  void theMedianIsTheMiddleRatioWhateverTheOrder() {
    assertThat(Medians.of(List.of(0.9, 0.5, 0.7))).isEqualTo(0.7);
    assertThat(Medians.of(List.of(1.2, 0.6, 0.8, 0.7))).isCloseTo(0.75, within());
    assertThat(Medians.of(List.of(0.81))).isEqualTo(0.81);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
