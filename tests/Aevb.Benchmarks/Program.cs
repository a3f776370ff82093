using System.Diagnostics;
using System.Globalization;
using Aevb.Benchmarks;
using Aevb.Tensors;

// Throughput harness (not a test). Usage:
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- gemm [--threads N] [--isa Avx512|Avx2|Scalar] [--repeats R] [--ms T] [--shape m,n,k[,t|n][,t|n]] [--kc K-block] [--pack-all]
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- mlp  [--threads N] [--repeats R] [--steps S] [--latent Z] [--hidden H]
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- bound [--threads N] [--hidden H] [--latent Z]  (IWAE)
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- kernels | pack   (elementwise kernels; packing)
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- peak   (FMA peak of this machine, 1 thread and all cores)
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- hmc [--shape decoder|mcem|eval]   (MCEM / Appendix D profile)
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- fingerprint   (hashes of every method's fixed-seed results)
//   dotnet run -c Release --project tests/Aevb.Benchmarks -- all
// Every figure is the median over R repeats (the machine is shared, so medians, not means).

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var verb = args.Length > 0 ? args[0] : "all";
var options = Options.Parse(args.Skip(1).ToArray());
if (options.Threads is int t) Engine.NumThreads = t;
// K-block override for every product this run makes (scoped to the benchmark's own flow, not process-wide).
using var kcScope = options.Kc is int kc ? Sgemm.UseMaxKc(kc) : null;
Console.WriteLine($"Aevb.Benchmarks: {Engine.Describe()}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}");

switch (verb)
{
    case "gemm":
        GemmBench.Run(options);
        break;
    case "mlp":
        MlpBench.Run(options);
        break;
    case "bound":
        BoundBench.Run(options);
        break;
    case "pack":
        PackBench.Run(options);
        break;
    case "kernels":
        KernelBench.Run(options);
        break;
    case "fingerprint":
        Fingerprint.Run(options);
        break;
    case "peak":
        PeakBench.Run(options);
        break;
    case "hmc":
        HmcBench.Run(options);
        break;
    case "all":
        GemmBench.Run(options);
        MlpBench.Run(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{verb}'; use gemm, mlp or all.");
        return 2;
}
return 0;

namespace Aevb.Benchmarks
{
    internal sealed record Options(int? Threads, string? Isa, int Repeats, int Milliseconds, int Steps, int Latent, int Hidden, string? Shape, int? Kc = null, bool PackAll = false)
    {
        public static Options Parse(string[] args)
        {
            int? threads = null, kc = null;
            var packAll = false;
            string? isa = null, shape = null;
            int repeats = 15, ms = 100, steps = 50, latent = 20, hidden = 500;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--isa": isa = Next(); break;
                    case "--shape": shape = Next(); break;
                    case "--pack-all": packAll = true; break;
                    case "--kc": kc = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--repeats": repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--ms": ms = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--steps": steps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--latent": latent = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--hidden": hidden = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }
            return new Options(threads, isa, repeats, ms, steps, latent, hidden, shape, kc, packAll);
        }
    }

    internal static class Stats
    {
        public static double Median(List<double> values)
        {
            values.Sort();
            var n = values.Count;
            return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
        }

        public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
    }

    /// <summary>
    /// CPU time of the whole process (all threads), from clock_gettime(CLOCK_PROCESS_CPUTIME_ID) on
    /// Linux. On a machine shared with other jobs, wall time measures the neighbours as much as the
    /// code; CPU time does not count the time our threads wait for a core. NaN where unavailable.
    /// </summary>
    internal static class CpuClock
    {
        private const int ClockProcessCpuTime = 2;

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static double ProcessSeconds()
        {
            if (!OperatingSystem.IsLinux()) return double.NaN;
            try
            {
                return ClockGetTime(ClockProcessCpuTime, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;
            }
            catch (DllNotFoundException)
            {
                return double.NaN;
            }
        }
    }
}
