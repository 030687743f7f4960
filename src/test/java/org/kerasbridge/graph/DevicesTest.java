package org.kerasbridge.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.tensorflow.proto.ConfigProto;

class DevicesTest {
  @Test
  void parsesDeviceSpecs() {
    assertEquals(Device.CPU, Device.parse("cpu"));
    assertEquals(new Device(Device.Kind.GPU, 0), Device.parse("gpu"));
    assertEquals(new Device(Device.Kind.GPU, 2), Device.parse("GPU:2"));
    assertEquals("/device:GPU:2", Device.parse("gpu:2").tfName());
    for (String bad : new String[] {"tpu", "gpu:", "gpu:-1", "cpu:1", ""}) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> Device.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void configsSetGrowthSoftPlacementAndVisibility() {
    ConfigProto gpu = SessionConfigs.forDevice(Device.parse("gpu:1"));
    assertTrue(gpu.getAllowSoftPlacement());
    assertTrue(gpu.getGpuOptions().getAllowGrowth());
    assertEquals("1", gpu.getGpuOptions().getVisibleDeviceList());
    ConfigProto cpu = SessionConfigs.forDevice(Device.CPU);
    assertEquals(0, cpu.getDeviceCountOrThrow("GPU"));
  }

  @Test
  void listsTheCpu() {
    List<Devices.DeviceInfo> devices = Devices.list(SessionConfigs.discovery());
    assertTrue(devices.stream().anyMatch(d -> d.type().equals("CPU")
        && d.name().endsWith("/device:CPU:0")), devices.toString());
  }

  @Test
  void gpuRequestWithoutGpuFallsBackToCpuAndSaysSo() {
    // On the machines this runs on there is no GPU TF Java can use (and the default build has
    // CPU natives). Where a GPU is present this test checks the other branch.
    Devices.Placement p = Devices.place(Device.parse("gpu"));
    if (Devices.gpuCount() == 0) {
      assertTrue(p.fellBack());
      assertEquals(Device.CPU, p.actual());
      assertTrue(p.message().contains("requested gpu:0") && p.message().contains("falling back"
          + " to CPU"), p.message());
      assertEquals(0, p.config().getDeviceCountOrThrow("GPU"));
    } else {
      assertFalse(p.fellBack());
      assertTrue(p.message().contains("running on GPU 0"), p.message());
    }
    Devices.Placement cpu = Devices.place(Device.CPU);
    assertFalse(cpu.fellBack());
    assertTrue(cpu.message().contains("running on CPU"));
  }
}
