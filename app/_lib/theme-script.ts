// Runs in <head> before the first paint (the root layout inlines it): a chosen theme's class is
// on <html> before anything is drawn. Not a client module, so the server layout can read it.
export const THEME_KEY = "pipebook:theme";

export const THEME_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});if(t==="light"||t==="dark")document.documentElement.classList.add(t)}catch(e){}`;
