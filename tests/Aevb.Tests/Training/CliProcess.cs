using System.Diagnostics;
using System.Text;

namespace Aevb.Tests.Training;

/// <summary>Runs the <c>aevb</c> command line in a real process, optionally under a wrapper (strace, a shell with ulimit).</summary>
internal static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Aevb.Cli.dll");

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Runs <c>[wrapper...] dotnet Aevb.Cli.dll args</c> and returns its exit code and output (stdout and stderr).</summary>
    public static (int Code, string Output) Run(IEnumerable<string> args, IEnumerable<string>? wrapper = null, TimeSpan? timeout = null)
    {
        var command = (wrapper ?? []).Concat([Dotnet, Dll]).Concat(args).ToList();
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"timed out: {string.Join(' ', command)}\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Whether a program is on the PATH (e.g. strace).</summary>
    public static bool OnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    /// <summary>
    /// The wrapper that kills the process (SIGKILL) when it makes its <paramref name="n"/>-th rename(2), the one system
    /// call that moves a written file into place; n = 0 kills nothing and logs every rename to <paramref name="log"/>.
    /// </summary>
    public static string[] KillAtRename(int n, string log = "/dev/null")
        => n == 0
            ? ["strace", "-f", "-qq", "-o", log, "-e", "trace=rename"]
            : ["strace", "-f", "-qq", "-o", log, "-e", "trace=rename", "-e", $"inject=rename:signal=SIGKILL:when={n}"];

    /// <summary>How many renames a run logged by <see cref="KillAtRename"/>(0, log) made.</summary>
    public static int Renames(string log) => File.ReadLines(log).Count(l => l.Contains("rename(", StringComparison.Ordinal) && !l.Contains("resumed>", StringComparison.Ordinal));
}
