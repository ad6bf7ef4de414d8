#include "pneuma/dsp/detrend.hpp"

#include <Eigen/Sparse>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCholesky>
#include <numeric>
#include <vector>
#include <stdexcept>

namespace pneuma::dsp {

std::vector<double> smoothness_priors_detrend(std::span<const double> z, double lambda) {
  const auto n = static_cast<Eigen::Index>(z.size());
  std::vector<double> out(z.begin(), z.end());
  if (n < 3) {
    const double mean = n > 0 ? std::accumulate(out.begin(), out.end(), 0.0) / static_cast<double>(n) : 0.0;
    for (auto& v : out) v -= mean;
    return out;
  }
  // A = I + lambda^2 D2' D2 is symmetric pentadiagonal: its lower triangle is inserted column by
  // column (3 entries each), which is much cheaper than triplets for 10^5..10^6 samples.
  const double l2 = lambda * lambda;
  auto in_d2 = [n](Eigen::Index r) { return r >= 0 && r + 2 < n; }; // row r of D2 = [1 -2 1] at r..r+2
  constexpr double c[3] = {1.0, -2.0, 1.0};
  Eigen::SparseMatrix<double> a(n, n);
  a.reserve(Eigen::VectorXi::Constant(n, 3));
  for (Eigen::Index j = 0; j < n; ++j) {
    double diag = 1.0, sub1 = 0.0;
    for (Eigen::Index r = j - 2; r <= j; ++r) {
      if (!in_d2(r)) continue;
      diag += l2 * c[j - r] * c[j - r];
      if (j + 1 - r <= 2) sub1 += l2 * c[j - r] * c[j + 1 - r];
    }
    a.insert(j, j) = diag;
    if (j + 1 < n) a.insert(j + 1, j) = sub1;
    if (j + 2 < n) a.insert(j + 2, j) = in_d2(j) ? l2 : 0.0;
  }
  a.makeCompressed();
  // Natural ordering keeps the band: no fill-in beyond it, no ordering pass (AMD would cost more
  // than the factorisation of a banded matrix).
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::NaturalOrdering<int>> solver(a);
  if (solver.info() != Eigen::Success) throw std::runtime_error("detrend: factorisation failed");
  const Eigen::Map<const Eigen::VectorXd> zv(z.data(), n);
  const Eigen::VectorXd trend = solver.solve(zv);
  for (Eigen::Index i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = z[static_cast<std::size_t>(i)] - trend[i];
  return out;
}

} // namespace pneuma::dsp
