#pragma once
// Smoothness-priors detrending (Tarvainen, Ranta-aho & Karjalainen 2002, IEEE TBME 49(2):172-175).
//
//   z_stat = (I - (I + lambda^2 D2' D2)^-1) z        D2: second-difference matrix, (N-2) x N
//
// A time-varying high-pass: at lambda = 500 on a 4 Hz series the -6 dB point is ~0.04 Hz
// (|H|^2 = l^2 |D2|^2 / (1 + l^2 |D2|^2), |D2(w)|^2 = 16 sin^4(w/2)), the Kubios default.
// The pentadiagonal system is solved by Eigen's sparse LDL^T (SimplicialLDLT): O(N) time and
// memory, so 24 h at 4 Hz (350 000 samples) is fine.
// Units: as the input. Delay: none (offline, zero-phase by construction).
// Thread contract: allocates (set-up / offline use only).

#include <span>
#include <vector>

namespace pneuma::dsp {

/// Returns z minus its smoothness-priors trend. Fewer than 3 samples: z minus its mean.
std::vector<double> smoothness_priors_detrend(std::span<const double> z, double lambda = 500.0);

} // namespace pneuma::dsp
