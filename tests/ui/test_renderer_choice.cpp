// The software-rasteriser test on the GL_RENDERER strings real drivers report.
#include <catch2/catch.hpp>

#include "ui/renderer_choice.hpp"

using pneuma::ui::is_software_rasteriser;

TEST_CASE("RendererChoice_CpuRasterisers_AreSoftware", "[ui][renderer]") {
  CHECK(is_software_rasteriser("llvmpipe (LLVM 15.0.6, 256 bits)")); // Mesa on Debian 12, no GPU
  CHECK(is_software_rasteriser("softpipe"));
  CHECK(is_software_rasteriser("Software Rasterizer")); // Mesa's classic swrast
  CHECK(is_software_rasteriser("GDI Generic"));          // Windows' fallback, e.g. under RDP
}

TEST_CASE("RendererChoice_Gpus_AreNotSoftware", "[ui][renderer]") {
  CHECK_FALSE(is_software_rasteriser("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  // Mentions LLVM (radeonsi's shader compiler) but is a GPU.
  CHECK_FALSE(is_software_rasteriser("AMD Radeon RX 580 Series (polaris10, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)"));
  CHECK_FALSE(is_software_rasteriser("NVIDIA GeForce GTX 1060 6GB/PCIe/SSE2"));
  CHECK_FALSE(is_software_rasteriser("virgl")); // a VM drawing on the host's GPU
  CHECK_FALSE(is_software_rasteriser(""));      // no OpenGL: nothing to avoid
}
