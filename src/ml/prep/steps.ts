// Loads every step module so each registers its type for stepFromJSON.
import './clip.js';
import './datetime.js';
import './impute.js';
import './one-hot.js';
import './ordinal.js';
import './scale.js';
import './select.js';
import './target.js';
import './text.js';
