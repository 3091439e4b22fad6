namespace ActorCluster.Tests.Shared;

/// <summary>
/// Independent references for the lfsr workload, shared by unit and integration tests (linked into both).
/// </summary>
public static class LfsrReference
{
    /// <summary>
    /// A Galois-form register for the same characteristic polynomial as the workload's Fibonacci register.
    /// The Fibonacci mask m stands for p(x) = x^N + sum over set bits k of x^(N-1-k) (bit N-1 is the
    /// constant term). A Galois register that shifts right and xors g when a 1 falls out has
    /// p(x) = 1 + sum over set bits j of x^(j+1), so bit k of m maps to bit N-2-k of g, and x^N to bit N-1.
    /// Same polynomial, same period, differently written code.
    /// </summary>
    public static List<uint> MaximalTaps(int degree)
    {
        var result = new List<uint>();
        var period = (1UL << degree) - 1;
        for (uint low = 0; low < 1u << (degree - 1); low++)
        {
            var fibonacciMask = low | (1u << (degree - 1));
            var galois = 1UL << (degree - 1);
            for (var k = 0; k < degree - 1; k++)
                if ((fibonacciMask >> k & 1) != 0) galois |= 1UL << (degree - 2 - k);
            ulong state = 1, steps = 0;
            do
            {
                var lsb = state & 1;
                state >>= 1;
                if (lsb != 0) state ^= galois;
                steps++;
            } while (state != 1 && steps <= period);
            if (steps == period) result.Add(fibonacciMask);
        }
        result.Sort();
        return result;
    }

    /// <summary>Euler's totient: there are phi(2^N - 1) / N primitive polynomials of degree N.</summary>
    public static long EulerPhi(long n)
    {
        long result = n;
        for (long p = 2; p * p <= n; p++)
        {
            if (n % p != 0) continue;
            while (n % p == 0) n /= p;
            result -= result / p;
        }
        if (n > 1) result -= result / n;
        return result;
    }
}
