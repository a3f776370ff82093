using System.CommandLine;
using Aevb.Tensors;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb info</c>: one line on the engine as this process sees the machine: the SIMD instruction set its matrix
/// products use (AVX-512, AVX2+FMA, 128-bit SIMD or scalar), its threads, the cores and the .NET runtime. With
/// <c>DOTNET_EnableAVX512=0</c> the runtime hides AVX-512 and the engine says AVX2+FMA; CI checks that before its
/// second pass of the tests.
/// </summary>
internal static class InfoCommand
{
    /// <summary>The runtime's switch for the AVX-512 instructions (on unless set to 0).</summary>
    private const string Avx512Switch = "DOTNET_EnableAVX512";

    public static Command Create()
    {
        var command = new Command("info", "One line on the engine on this machine: SIMD instruction set, threads, cores, .NET.");
        command.SetAction(parseResult =>
        {
            var avx512 = Environment.GetEnvironmentVariable(Avx512Switch) is { Length: > 0 } value ? $" ({Avx512Switch}={value})" : "";
            parseResult.InvocationConfiguration.Output.WriteLine(
                $"engine: {Engine.Describe()}{avx512}; {Environment.ProcessorCount} cores; .NET {Environment.Version}");
            return 0;
        });
        return command;
    }
}
