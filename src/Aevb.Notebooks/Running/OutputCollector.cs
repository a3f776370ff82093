using System.Text;
using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Gathers one cell's outputs in the order they happen: consecutive writes to the same stream are
/// merged into one <c>stream</c> output (as Jupyter does), displays and errors interleave with them.
/// Thread-safe: cells may write from worker threads.
/// </summary>
internal sealed class OutputCollector(int maxStreamChars = NotebookRunOptions.DefaultMaxStreamChars)
{
    private readonly object _gate = new();
    private long _streamChars, _droppedChars;
    private readonly List<object> _items = []; // StreamItem or JsonObject

    private sealed class StreamItem(string name)
    {
        public string Name { get; } = name;
        public StringBuilder Text { get; } = new();
    }

    public void AppendStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            // Past the cap, text is counted, not stored: 100 MB of prints must not become a 100 MB notebook.
            var room = maxStreamChars - _streamChars;
            if (room <= 0)
            {
                _droppedChars += text.Length;
                return;
            }
            if (text.Length > room)
            {
                _droppedChars += text.Length - room;
                text = text[..(int)room];
            }
            _streamChars += text.Length;
            if (_items.Count > 0 && _items[^1] is StreamItem s && s.Name == name) s.Text.Append(text);
            else
            {
                var item = new StreamItem(name);
                item.Text.Append(text);
                _items.Add(item);
            }
        }
    }

    public void Add(JsonObject output)
    {
        lock (_gate) _items.Add(output);
    }

    /// <summary>The outputs as nbformat JSON objects.</summary>
    public List<JsonObject> Materialize()
    {
        lock (_gate)
        {
            var list = _items.Select(i => i is StreamItem s ? NotebookOutputs.Stream(s.Name, s.Text.ToString()) : (JsonObject)i).ToList();
            if (_droppedChars > 0)
                list.Add(NotebookOutputs.Stream("stderr",
                    $"\n[aevb: output cut: this cell printed {_streamChars + _droppedChars:N0} characters; the first {_streamChars:N0} are stored here, " +
                    $"the other {_droppedChars:N0} were shown on the console only (limit {maxStreamChars:N0} per cell, --max-output)]\n"));
            return list;
        }
    }
}
