/* Copy buttons: the element before the button goes to the clipboard as rich HTML and as plain text. */
document.addEventListener("click", function (event) {
  var button = event.target.closest(".hubkb-copy-button");
  if (!button) { return; }
  var source = button.previousElementSibling;
  var text = source.getAttribute("data-copy") || source.innerText;
  var html = source.tagName === "PRE" ? null : source.innerHTML;
  var done = function () { button.textContent = "Copied"; };
  if (html && window.ClipboardItem && navigator.clipboard.write) {
    var item = new ClipboardItem({
      "text/html": new Blob([html], { type: "text/html" }),
      "text/plain": new Blob([text], { type: "text/plain" })
    });
    navigator.clipboard.write([item]).then(done, function () { navigator.clipboard.writeText(text).then(done); });
  } else {
    navigator.clipboard.writeText(text).then(done);
  }
});
