using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Cli;

/// <summary>
/// Runs a notebook in a child <c>aevb notebook run … --worker-progress FILE</c> process, so a cell that calls
/// <c>Environment.Exit</c>, throws on a background thread or overflows the stack ends only that process. Its output is
/// inherited (streams live). The child saves the notebook after every cell and writes to FILE which cell is running, then
/// <c>finished</c>; when it ends without that word, this side records in the notebook which cell stopped the run and why,
/// marks the later cells stale, and reports it in one line.
/// </summary>
internal static class NotebookWorker
{
    public const string ProgressOption = "--worker-progress";
    public const string Finished = "finished";

    /// <summary>Runs the child; returns its exit code (1 when it died), and the crash message when it died.</summary>
    public static async Task<(int Code, string? Crash)> RunAsync(string notebookPath, string target, IEnumerable<string> runArguments,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        DeleteStaleProgressFiles();
        var progress = Path.Combine(Path.GetTempPath(), $"aevb-worker-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        var start = StartInfo();
        foreach (var a in (string[])["notebook", "run", notebookPath, .. runArguments, "--out", target, ProgressOption, progress])
            start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) start.Environment[k] = v;
        try
        {
            using var process = Process.Start(start) ?? throw new IOException($"cannot start {start.FileName}");
            // SIGINT/SIGTERM here: pass SIGTERM on (the child saves and exits 130; from a terminal it got Ctrl+C as well).
            // A child that has not ended a minute after that (a cell blocking in native code, a thread that ignores
            // cancellation) is killed with its process tree: SIGTERM must end the run.
            using var forward = cancellationToken.Register(() =>
            {
                Signal(process.Id);
                _ = Task.Delay(TimeSpan.FromMinutes(1), CancellationToken.None).ContinueWith(_ =>
                {
                    try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
                    catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
                }, TaskScheduler.Default);
            });
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            var status = File.Exists(progress) ? File.ReadAllText(progress).Trim() : "";
            if (status == Finished) return (process.ExitCode, null);
            int? cell = status.StartsWith("cell ", StringComparison.Ordinal) && int.TryParse(status[5..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
            var code = process.ExitCode;
            var why = code switch
            {
                134 => "the process aborted (exit code 134, SIGABRT): a stack overflow or an unhandled exception on a background thread does this",
                > 128 and < 160 => $"the process was killed by signal {code - 128} (exit code {code})",
                _ => $"the process exited with code {code} in the middle of the cell: the cell called Environment.Exit (or the runtime failed)",
            };
            var message = cell is null ? $"the notebook runner stopped before the first cell: {why}" : $"cell {cell} ended the run: {why}";
            RecordCrash(notebookPath, target, cell, message);
            return (1, message);
        }
        finally
        {
            try { File.Delete(progress); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Removes progress files that a killed run left in the temp folder: those whose parent process (the pid in the name)
    /// is gone, and, from before the pid was in the name, those older than a day.
    /// </summary>
    private static void DeleteStaleProgressFiles()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), "aevb-worker-*.txt"))
            {
                var parts = Path.GetFileNameWithoutExtension(file).Split('-');
                var stale = parts.Length == 4 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    ? !IsRunning(pid)
                    : File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddDays(-1);
                if (stale) File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Housekeeping only.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>How to start this same CLI: its apphost, or <c>dotnet Aevb.Cli.dll</c> (also from a test host).</summary>
    private static ProcessStartInfo StartInfo()
    {
        var dll = typeof(NotebookWorker).Assembly.Location;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == Path.GetFileNameWithoutExtension(dll))
            return new ProcessStartInfo(self) { UseShellExecute = false };
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host))
            host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        info.ArgumentList.Add(dll);
        return info;
    }

    private static void Signal(int pid)
    {
        try
        {
            if (OperatingSystem.IsWindows()) return; // Ctrl+C reaches the child through the console
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>Writes the crash into <paramref name="target"/> (what the child saved, else the input): an error output on the cell that was running.</summary>
    private static void RecordCrash(string notebookPath, string target, int? cellNumber, string message)
    {
        var notebook = Notebook.Load(File.Exists(target) ? target : notebookPath);
        if (cellNumber is { } n && n >= 1 && n <= notebook.Cells.Count)
        {
            var cell = notebook.Cells[n - 1];
            cell.Node["outputs"] = new JsonArray(NotebookOutputs.Error("ProcessExited", message, [$"cell {n}: {message}"]));
            if (cell.Node["metadata"] is JsonObject m) m.Remove(StaleOutputs.MetadataKey);
            var ran = notebook.Cells.Where(c => c.IsCode && c.Index <= cell.Index && StaleOutputs.Of(c) is null).Select(c => c.Index).ToHashSet();
            StaleOutputs.Mark(notebook.Cells, ran, $"the run stopped at cell {n} (the process ended)");
        }
        notebook.Save(target);
    }
}
