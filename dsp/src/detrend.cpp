#include "pneuma/dsp/detrend.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <numeric>
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
  // A = I + lambda^2 D2' D2, assembled directly: D2' D2 is symmetric pentadiagonal.
  const double l2 = lambda * lambda;
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(static_cast<std::size_t>(n) * 5);
  for (Eigen::Index r = 0; r + 2 < n; ++r) { // each row of D2 = [1 -2 1] at columns r..r+2
    const double c[3] = {1.0, -2.0, 1.0};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) trip.emplace_back(r + i, r + j, l2 * c[i] * c[j]);
  }
  for (Eigen::Index i = 0; i < n; ++i) trip.emplace_back(i, i, 1.0);
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(trip.begin(), trip.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(a);
  if (solver.info() != Eigen::Success) throw std::runtime_error("detrend: factorisation failed");
  const Eigen::Map<const Eigen::VectorXd> zv(z.data(), n);
  const Eigen::VectorXd trend = solver.solve(zv);
  for (Eigen::Index i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = z[static_cast<std::size_t>(i)] - trend[i];
  return out;
}

} // namespace pneuma::dsp
