using System.Diagnostics;
using System.Text;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>
/// Ctrl+C on <c>reproduce --jobs N</c> (issue 20, "Losing work" 2): the terminal signals the whole process group, so
/// every child gets SIGINT from the terminal; the parent must not pass on a second one (which ends a process at once),
/// and each child saves its checkpoint and exits 130.
/// </summary>
public class ParallelInterruptTests
{
    [SkippableFact]
    public void CtrlCOnTheProcessGroupLetsEveryChildSave()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && CliProcess.OnPath("setsid"), "needs Linux and setsid");
        Skip.If(SigIntIgnored(), "SIGINT is ignored in this process (started in the background by a script), and so in its children");
        using var dir = new TempDir();
        // setsid: its own process group, which the test then signals as a terminal would.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { CliProcess.Dotnet, CliProcess.Dll, "reproduce", "fig2", "--dataset", "frey", "--latent", "2", "--quick", "--lr", "0.02",
                     "--samples", "1e7", "--jobs", "2", "--no-charts", "--data-dir", TestData.Directory, "--out", dir.Path })
            start.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        try
        {
            // Both children past their first evaluation (10,000 samples, quick), so each has training to save.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (!(Output().Contains("[frey-h200-z2-aevb]       ", StringComparison.Ordinal) && Output().Contains("[frey-h200-z2-wakesleep]       ", StringComparison.Ordinal)))
            {
                if (DateTime.UtcNow > deadline || process.HasExited) Assert.Fail($"no evaluation from both runs:\n{Output()}");
                Thread.Sleep(200);
            }
            Thread.Sleep(1000);
            using (var kill = Process.Start("kill", ["-INT", "--", "-" + process.Id])) kill!.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2))) Assert.Fail($"still running 2 minutes after Ctrl+C:\n{Output()}");
            process.WaitForExit();
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var text = Output();
        Assert.True(process.ExitCode == 130, text);
        foreach (var run in new[] { "frey-h200-z2-aevb", "frey-h200-z2-wakesleep" })
        {
            Assert.Contains($"[{run}] aevb reproduce fig2: interrupted at", text);
            Assert.Contains($"[{run}] exited with code 130", text);
            var info = FigureRun.ReadInfo(Path.Combine(dir.Path, "fig2", run, FigureRun.InfoFile));
            Assert.True(info["samples_seen"]!.GetValue<long>() > 10_000, $"{run}: not saved past its first evaluation\n{text}");
        }
    }

    /// <summary>Whether SIGINT is ignored here (bit 2 of SigIgn in /proc/self/status); ignored signals stay ignored across exec.</summary>
    internal static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 2UL) != 0;
    }
}
