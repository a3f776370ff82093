using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using Aevb.Cli.Commands;
using Aevb.Tensors;

namespace Aevb.Tests.Tensors;

/// <summary>
/// <c>aevb info</c> names the instruction set the engine uses, and with the runtime's AVX-512 switched off
/// (<c>DOTNET_EnableAVX512=0</c>, as CI's second pass runs the tests) the engine takes the AVX2 path, on every machine.
/// </summary>
public class EngineInfoTests
{
    [Fact]
    public void InfoNamesTheEnginesInstructionSetAndThreads()
    {
        var output = new StringWriter();
        var code = InfoCommand.Create().Parse([]).Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });
        Assert.Equal(0, code);
        Assert.StartsWith($"engine: {Engine.Describe()}", output.ToString());
        Assert.Single(output.ToString().TrimEnd().Split('\n'));
    }

    [SkippableFact]
    public void WithAvx512SwitchedOffTheEngineReportsAvx2()
    {
        Skip.IfNot(Avx2.IsSupported && Fma.IsSupported, "This CPU has no AVX2+FMA, so the AVX2 path cannot be checked here.");
        var line = Info(("DOTNET_EnableAVX512", "0"));
        Assert.StartsWith("engine: AVX2+FMA, ", line);
        Assert.Contains("(DOTNET_EnableAVX512=0)", line);
        // Without the switch: what this process sees (AVX-512 where the CPU has it), unless this process runs with the
        // switch itself (CI's second pass), when it cannot tell what the CPU offers and either answer is right.
        var unswitched = Info(("DOTNET_EnableAVX512", ""));
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
            Assert.Matches(@"^engine: (AVX-512|AVX2\+FMA), ", unswitched);
        else
            Assert.StartsWith($"engine: {Engine.Simd}, ", unswitched);
    }

    /// <summary>The first line of <c>aevb info</c> run as a child process (the runtime reads its switches at start-up).</summary>
    private static string Info(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Aevb.Cli.dll"));
        start.ArgumentList.Add("info");
        foreach (var (name, value) in environment)
        {
            if (value.Length == 0) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "aevb info did not end");
        Assert.True(process.ExitCode == 0, $"aevb info: exit {process.ExitCode}\n{output}\n{error}");
        return output.Split('\n')[0].TrimEnd();
    }
}
