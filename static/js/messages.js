// Flash messages: each one's close button removes it; the region goes once it is empty so
// no empty live region is left on the page.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".message-close");
  if (!button) return;
  const region = button.closest(".messages");
  button.closest(".message").remove();
  if (region && !region.querySelector(".message")) region.remove();
  document.getElementById("content")?.focus();
});
