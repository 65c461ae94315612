// Reference PMFs in double for the goodness-of-fit tests. They are only test oracles: the
// samplers themselves never use floating point.

namespace SecureFed.Privacy.Tests.Sampling;

internal static class ExactPmf
{
    /// <summary>Discrete Gaussian N_Z(0, sigma^2) on [-bound, bound], normalised there.</summary>
    public static double[] DiscreteGaussian(double sigmaSquared, long bound)
    {
        var pmf = new double[(2 * bound) + 1];
        for (long x = -bound; x <= bound; x++)
        {
            pmf[x + bound] = Math.Exp(-(double)x * x / (2 * sigmaSquared));
        }

        double total = pmf.Sum();
        for (int i = 0; i < pmf.Length; i++)
        {
            pmf[i] /= total;
        }

        return pmf;
    }

    /// <summary>
    /// Poisson(lambda) on [0, count), in logarithms so that exp(-lambda) cannot underflow:
    /// log p(k) = -lambda + k log(lambda) - log(k!).
    /// </summary>
    public static double[] Poisson(double lambda, int count)
    {
        var pmf = new double[count];
        double logFactorial = 0;
        for (int k = 0; k < count; k++)
        {
            logFactorial += k == 0 ? 0 : Math.Log(k);
            pmf[k] = Math.Exp(-lambda + (k * Math.Log(lambda)) - logFactorial);
        }

        return pmf;
    }

    /// <summary>
    /// Skellam Sk(mu) on [-bound, bound] as the convolution of two Poisson(mu) PMFs:
    /// P(K = k) = sum_j p(j + k) p(j), which equals exp(-2 mu) I_|k|(2 mu).
    /// </summary>
    public static double[] Skellam(double mu, int bound)
    {
        int count = (2 * bound) + 1;
        double[] poisson = Poisson(mu, count + bound);
        var pmf = new double[count];
        for (int k = -bound; k <= bound; k++)
        {
            int magnitude = Math.Abs(k);
            double sum = 0;
            for (int j = 0; j + magnitude < poisson.Length; j++)
            {
                sum += poisson[j + magnitude] * poisson[j];
            }

            pmf[k + bound] = sum;
        }

        return pmf;
    }

    /// <summary>Mean, variance and fourth central moment of a PMF on [low, ...).</summary>
    public static (double Mean, double Variance, double FourthMoment) Moments(double[] pmf, long low)
    {
        double mean = 0;
        for (int i = 0; i < pmf.Length; i++)
        {
            mean += (low + i) * pmf[i];
        }

        double variance = 0;
        double fourth = 0;
        for (int i = 0; i < pmf.Length; i++)
        {
            double d = low + i - mean;
            variance += d * d * pmf[i];
            fourth += d * d * d * d * pmf[i];
        }

        return (mean, variance, fourth);
    }
}
